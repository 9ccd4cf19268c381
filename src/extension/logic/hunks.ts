import { diffLines } from 'diff';

/**
 * One change of a candidate in a file, as the inline review shows it: the lines it removes from the
 * text in the editor (0-based, from `start`) and the lines it puts there instead. Lines keep their
 * line ends, so choosing hunks rebuilds the text byte for byte.
 */
export interface Hunk {
  start: number;
  removed: string[];
  added: string[];
}

/** The hunks turning `before` into `after`, top to bottom. */
export function hunksOf(before: string, after: string): Hunk[] {
  const hunks: Hunk[] = [];
  let line = 0;
  let open: Hunk | undefined;
  for (const part of diffLines(before, after)) {
    const lines = splitLines(part.value);
    if (!part.added && !part.removed) {
      open = undefined;
      line += lines.length;
      continue;
    }
    if (!open) hunks.push((open = { start: line, removed: [], added: [] }));
    if (part.removed) {
      open.removed.push(...lines);
      line += lines.length;
    } else open.added.push(...lines);
  }
  return hunks;
}

/** `text` with only the hunks at `chosen` (indices into `hunks`, which are hunks of `text`) applied. */
export function applyHunks(text: string, hunks: readonly Hunk[], chosen: ReadonlySet<number>): string {
  const lines = splitLines(text);
  const out: string[] = [];
  let at = 0;
  hunks.forEach((hunk, i) => {
    out.push(...lines.slice(at, hunk.start));
    out.push(...(chosen.has(i) ? hunk.added : hunk.removed));
    at = hunk.start + hunk.removed.length;
  });
  out.push(...lines.slice(at));
  return out.join('');
}

/** Every index of `hunks` but `except`. */
export function allBut(hunks: readonly Hunk[], except?: number): Set<number> {
  return new Set(hunks.map((_, i) => i).filter((i) => i !== except));
}

/** Lines of `text`, each with its line end; no empty line after a final line end. */
export function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== '');
}

/** What the editor shows of a hunk: its removed lines struck in red, its added lines as green ghost text. */
export interface HunkView {
  /** 0-based lines of the editor's text that the hunk removes. */
  removedLines: number[];
  /** Ghost text after the end of a line: what the hunk puts there. */
  ghosts: { line: number; text: string }[];
  /** The line the hunk's lens stands above. */
  lensLine: number;
}

/**
 * Where a hunk shows: each added line beside the removed line it replaces (`→ new text`); added lines
 * beyond those, or added to no removed line, after the last line they follow (`+ a ⏎ + b`).
 */
export function hunkView(hunk: Hunk): HunkView {
  const removedLines = hunk.removed.map((_, i) => hunk.start + i);
  const added = hunk.added.map(stripEnd);
  const ghosts = removedLines.slice(0, added.length).map((line, i) => ({ line, text: `→ ${added[i]!.trim()}` }));
  const extra = added.slice(removedLines.length);
  if (extra.length) {
    const line = removedLines.length ? removedLines.at(-1)! : Math.max(0, hunk.start - 1);
    const text = extra.map((a) => `+ ${a.trim()}`).join(' ⏎ ');
    const paired = ghosts.find((g) => g.line === line);
    if (paired) paired.text += ` ⏎ ${text}`;
    else ghosts.push({ line, text });
  }
  return { removedLines, ghosts, lensLine: hunk.removed.length ? hunk.start : Math.max(0, hunk.start - 1) };
}

/** The hunk as a unified-diff fragment, for its hover. */
export function hunkDiff(hunk: Hunk): string {
  return [...hunk.removed.map((l) => `-${stripEnd(l)}`), ...hunk.added.map((l) => `+${stripEnd(l)}`)].join('\n');
}

function stripEnd(line: string): string {
  return line.replace(/\r?\n$/, '');
}
