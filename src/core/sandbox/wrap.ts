/** What a wrap gets to decide how a command is started. */
export interface WrapRequest {
  command: string;
  cwd: string;
  env: Record<string, string>;
  /** Folders outside `cwd` the command must be able to write. */
  writable?: string[];
}

/** The program the runner actually starts, and its arguments. */
export interface Launch {
  file: string;
  args: string[];
}

/** Turns a command into the program that runs it under some isolation (a namespace, bubblewrap, ...). */
export type Wrap = (request: WrapRequest) => Launch;

/** No isolation: the command line as given, run by /bin/sh. */
export const shellWrap: Wrap = ({ command }) => ({ file: '/bin/sh', args: ['-c', command] });

/**
 * `outer` around `inner`: inner decides how the command starts, outer then starts that program in its
 * own way (e.g. the overlay namespace around bubblewrap around the test command).
 */
export function composeWraps(outer: Wrap, inner: Wrap): Wrap {
  return (request) => {
    const launch = inner(request);
    return outer({ ...request, command: [launch.file, ...launch.args].map(quoteWord).join(' ') });
  };
}

/** Single-quotes one word for /bin/sh. */
export function quoteWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
