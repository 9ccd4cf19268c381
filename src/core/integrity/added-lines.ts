import { diffLines } from 'diff';

export interface AddedLine {
  /** 1-based line number in the new text. */
  line: number;
  text: string;
}

/** The lines `after` adds to `before` (every line of a new file), with their numbers in `after`. */
export function addedLines(before: string, after: string): AddedLine[] {
  const added: AddedLine[] = [];
  let line = 1;
  for (const part of diffLines(before.replace(/\r\n/g, '\n'), after.replace(/\r\n/g, '\n'))) {
    const lines = part.value.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (part.added) lines.forEach((text, i) => added.push({ line: line + i, text }));
    if (!part.removed) line += lines.length;
  }
  return added;
}
