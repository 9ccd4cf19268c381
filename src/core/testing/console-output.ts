/** Reading what a test command printed, whatever the framework. */

import { truncate } from '../text';

export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- an ANSI escape sequence starts with the ESC control character
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}

/** Lines that end many failed runs but say nothing about why. */
const NOISE_LINE = /^(npm (ERR!|error|notice|warn)|Node\.js v\d|[=_!*\-~.\s]*$)/;
/** Longest line a one-line message quotes. */
const MAX_REASON_CHARS = 300;

/** The last output line that explains a failed run, for a one-line message. */
export function lastMeaningfulLine(output: string): string | undefined {
  const lines = stripAnsi(output).split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim().replace(/^=+\s*|\s*=+$/g, '');
    if (line && !NOISE_LINE.test(line)) return truncate(line, MAX_REASON_CHARS);
  }
  return undefined;
}
