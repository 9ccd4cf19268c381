/**
 * Finds a block of lines in a file, tolerating what models get wrong when they copy code, and replaces it.
 * Tolerance grows step by step; the first step that finds anything decides, and finding two places there
 * is refused rather than guessed.
 */
import { PatchError } from './types';

interface Level {
  /** Blank lines are skipped on both sides (a stray or missing blank line). */
  skipBlank: boolean;
  /** Leading indentation differs; the replacement is re-indented by the same offset. */
  reindent: boolean;
  key: (line: string) => string;
}

const LEVELS: Level[] = [
  { skipBlank: false, reindent: false, key: (l) => l },
  { skipBlank: false, reindent: false, key: (l) => l.trimEnd() },
  { skipBlank: false, reindent: true, key: (l) => l.trim() },
  { skipBlank: true, reindent: false, key: (l) => l.trimEnd() },
  { skipBlank: true, reindent: true, key: (l) => l.trim() },
];

/** How far (in lines) a diff hunk's line number may be from a match for it to settle a tie. */
const HINT_SLACK = 5;

export interface BlockTarget {
  /** Names the file in messages. */
  file: string;
  /** Names the block in messages, e.g. `SEARCH block` or `diff hunk 2`. */
  label: string;
  /** 0-based line where the block is said to start (a diff hunk's line number); only breaks ties. */
  hintLine?: number;
}

/** Text to lines; a final newline does not make an extra empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

interface Match {
  start: number;
  end: number;
  /** Index of the file line that matched the first non-blank search line. */
  anchor: number;
}

function findAll(file: string[], search: string[], level: Level): Match[] {
  const matches: Match[] = [];
  const firstSolid = search.findIndex((l) => !isBlank(l));
  if (!level.skipBlank) {
    const keys = search.map(level.key);
    for (let start = 0; start + search.length <= file.length; start++) {
      if (keys.every((k, j) => level.key(file[start + j]) === k)) {
        matches.push({ start, end: start + search.length, anchor: start + Math.max(firstSolid, 0) });
      }
    }
    return matches;
  }
  const solid = file.flatMap((l, index) => (isBlank(l) ? [] : [index]));
  const keys = search.filter((l) => !isBlank(l)).map(level.key);
  if (keys.length === 0) return matches;
  for (let p = 0; p + keys.length <= solid.length; p++) {
    if (keys.every((k, j) => level.key(file[solid[p + j]]) === k)) {
      matches.push({ start: solid[p], end: solid[p + keys.length - 1] + 1, anchor: solid[p] });
    }
  }
  return matches;
}

function leadingSpace(line: string): string {
  return /^\s*/.exec(line)![0];
}

/** Shifts replacement lines so that text indented like the search anchor lands where the file's anchor is. */
function reindent(lines: string[], from: string, to: string): string[] {
  if (from === to) return lines;
  return lines.map((line) => {
    if (isBlank(line)) return line;
    if (line.startsWith(from)) return to + line.slice(from.length);
    // Less indented than the anchor: shift by the same number of columns.
    if (to.length >= from.length) return to.slice(0, to.length - from.length) + line;
    return line.slice(Math.min(leadingSpace(line).length, from.length - to.length));
  });
}

function trimBlankEdges(replace: string[], search: string[]): string[] {
  const leading = (ls: string[]) => ls.findIndex((l) => !isBlank(l));
  const lead = Math.min(Math.max(leading(search), 0), Math.max(leading(replace), 0));
  const trail = Math.min(Math.max(leading([...search].reverse()), 0), Math.max(leading([...replace].reverse()), 0));
  return replace.slice(lead, replace.length - trail);
}

/**
 * Replaces the one place in `content` (LF line endings) that matches `search` by `replace`.
 * Throws PatchError when no place or several places match.
 */
export function replaceBlock(content: string, search: string, replace: string, target: BlockTarget): string {
  const endsWithNewline = content === '' || content.endsWith('\n');
  const fileLines = splitLines(content);
  const searchLines = splitLines(search);
  let replaceLines = splitLines(replace);

  for (const level of LEVELS) {
    let matches = findAll(fileLines, searchLines, level);
    if (matches.length === 0) continue;
    if (matches.length > 1 && target.hintLine !== undefined) {
      const near = matches.filter((m) => Math.abs(m.start - target.hintLine!) <= HINT_SLACK);
      if (near.length === 1) matches = near;
    }
    if (matches.length > 1) {
      throw new PatchError(`${target.label} matches ${matches.length} places in ${target.file}; include more context`);
    }
    const [match] = matches;
    if (level.skipBlank) replaceLines = trimBlankEdges(replaceLines, searchLines);
    if (level.reindent) {
      const solid = searchLines.find((l) => !isBlank(l)) ?? '';
      replaceLines = reindent(replaceLines, leadingSpace(solid), leadingSpace(fileLines[match.anchor]));
    }
    const out = [...fileLines.slice(0, match.start), ...replaceLines, ...fileLines.slice(match.end)];
    return out.length === 0 ? '' : out.join('\n') + (endsWithNewline ? '\n' : '');
  }
  // Last resort: a one-line SEARCH that is part of a line (`len(values) - 1`), found exactly once.
  if (searchLines.length === 1 && searchLines[0].trim() !== '') {
    const needle = searchLines[0];
    const at = content.indexOf(needle);
    if (at >= 0 && content.indexOf(needle, at + 1) >= 0) {
      throw new PatchError(`${target.label} matches several places in ${target.file}; include more context`);
    }
    if (at >= 0) return content.slice(0, at) + replace.replace(/\n$/, '') + content.slice(at + needle.length);
  }
  const first = (searchLines.find((l) => !isBlank(l)) ?? '').trim();
  const why = fileLines.some((l) => l.trim() === first)
    ? `the lines after \`${first}\` differ from the file`
    : `the line \`${first}\` is not in the file`;
  throw new PatchError(`${target.label} does not match ${target.file}: ${why}`);
}
