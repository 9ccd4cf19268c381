/** Reading and writing /bin/sh command lines. */

/** Quotes one argument for /bin/sh when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The words of a command without its leading `VAR=value` assignments: the first one is the program. */
export function programWords(command: string): string[] {
  const words = command.trim().split(/\s+/).filter(Boolean);
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  return words;
}
