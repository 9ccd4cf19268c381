/** Small text helpers shared by the status bar, code lens, log and review (no `vscode` here). */

/** Whitespace collapsed to single spaces, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1)).trimEnd()}…` : flat;
}

/** `812`, `1.2k`, `12k`, `1.2M`: token counts at a glance. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${trimZero((n / 1000).toFixed(1))}k`;
  if (n < 999_500) return `${Math.round(n / 1000)}k`;
  return `${trimZero((n / 1_000_000).toFixed(1))}M`;
}

function trimZero(value: string): string {
  return value.replace(/\.0$/, '');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The first sentence (or line) of a model's explanation, for a notification or a lens. */
export function firstSentence(text: string, max = 160): string {
  const paragraph = text.trim().split(/\n\s*\n/)[0] ?? '';
  // A bold lead-in label ("**Explanation.**", "**Cause:**") is markdown a plain-text notification would show raw.
  const flat = paragraph.replace(/^#+\s.*$/gm, '').replace(/\s+/g, ' ').trim().replace(/^(\*\*|__)[^*_]{1,40}?[.:]\1\s*/, '');
  const end = flat.search(/[.!?](\s|$)/);
  return oneLine(end >= 0 ? flat.slice(0, end + 1) : flat, max);
}
