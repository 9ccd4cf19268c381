/** Text helpers for what the engine and its hosts say to people, and for what a prompt quotes. */

/**
 * Room for a failure's text (a trace, a test file's stderr, a run's output), in a test result and in
 * a prompt alike: enough for the model, small enough for a prompt.
 */
export const MAX_DETAILS_CHARS = 4096;

/** `text` cut to at most `max` characters, ending in an ellipsis when it was cut. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1)).trimEnd()}…` : text;
}

/** Whitespace collapsed to single spaces, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 80): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

/** The first sentence (or line) of a model's explanation, for a notification, a lens or a progress line. */
export function firstSentence(text: string, max = 160): string {
  const paragraph = text.trim().split(/\n\s*\n/)[0] ?? '';
  // A bold lead-in label ("**Explanation.**", "**Cause:**") is markdown a plain-text line would show raw.
  const flat = paragraph
    .replace(/^#+\s.*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(\*\*|__)[^*_]{1,40}?[.:]\1\s*/, '');
  const end = flat.search(/[.!?](\s|$)/);
  return oneLine(end >= 0 ? flat.slice(0, end + 1) : flat, max);
}

/** Room kept for the `… N characters cut …` marker, so a trimmed text stays within its cap. */
const CUT_MARKER_ROOM = 40;

/**
 * A long multi-line text (a trace, a run's output) cut to `maxLines` lines and then to `maxChars`
 * characters, keeping a quarter from its head and the rest from its tail: a Python trace and a run's
 * output end with the error, a V8 stack starts with it. A text within both caps comes back unchanged
 * apart from its line endings and its blank edges, so trimming twice cuts nothing more.
 */
export function trimText(text: string, maxLines = Number.POSITIVE_INFINITY, maxChars = MAX_DETAILS_CHARS): string {
  let lines = text
    .replace(/\r\n/g, '\n')
    .replace(/^(?:[ \t]*\n)+/, '')
    .trimEnd()
    .split('\n');
  if (lines.length > maxLines) {
    const head = Math.max(1, Math.floor(maxLines / 4));
    const tail = Math.max(0, maxLines - head);
    lines = [
      ...lines.slice(0, head),
      `… ${lines.length - head - tail} lines cut …`,
      ...lines.slice(lines.length - tail),
    ];
  }
  const joined = lines.join('\n');
  if (joined.length <= maxChars) return joined;
  const budget = Math.max(0, maxChars - CUT_MARKER_ROOM);
  const head = Math.floor(budget / 4);
  const tail = budget - head;
  return `${joined.slice(0, head)}\n… ${joined.length - head - tail} characters cut …\n${joined.slice(joined.length - tail)}`;
}
