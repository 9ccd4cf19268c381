/** Text helpers for what the engine and its hosts say to people. */

/** Whitespace collapsed to single spaces, cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, Math.max(1, max - 1)).trimEnd()}…` : flat;
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
