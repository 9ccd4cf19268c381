/** Unified diffs in a reply: where one starts and ends, and one edit per file it touches. */
import type { UnifiedDiffEdit } from './types';

/** Index of the first line with any text, -1 when none has. */
export function firstNonBlank(lines: string[]): number {
  return lines.findIndex((l) => l.trim() !== '');
}

export function looksLikeDiff(body: string[]): boolean {
  const k = firstNonBlank(body);
  if (k < 0) return false;
  return (
    /^diff --git /.test(body[k]) ||
    /^@@.*@@/.test(body[k]) ||
    (/^--- /.test(body[k]) && /^\+\+\+ /.test(body[k + 1] ?? ''))
  );
}

export function bareDiffStartsAt(lines: string[], i: number): boolean {
  return /^diff --git /.test(lines[i]) || (/^--- \S/.test(lines[i]) && /^\+\+\+ \S/.test(lines[i + 1] ?? ''));
}

/** A diff outside any fence ends at the first line that cannot belong to it. */
export function bareDiffEnd(lines: string[], i: number): number {
  const diffLine = /^(?:[ +\-\\]|@@|diff |index |new file|deleted file|similarity |rename |old mode|new mode)/;
  let j = i;
  while (j < lines.length) {
    if (diffLine.test(lines[j])) j++;
    else if (lines[j] === '' && /^(?: |@@|diff --git |--- )/.test(lines[j + 1] ?? '')) j++;
    else break;
  }
  return j;
}

function headerPath(line: string): string | undefined {
  const path = line
    .slice(4)
    .split('\t')[0]
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return path === '/dev/null' || path === '' ? undefined : path;
}

/** `b/x` → `x` when the diff uses git's `a/` `b/` prefixes (a real folder named `b` keeps its name otherwise). */
function withoutGitPrefix(minus: string | undefined, path: string, prefix = 'b/'): string {
  const gitStyle = (minus === undefined || minus.startsWith('a/')) && path.startsWith(prefix);
  return gitStyle ? path.slice(prefix.length) : path;
}

/** Splits a diff into one edit per file; a diff without file headers targets `fallback()`. */
export function diffEdits(body: string[], fallback: () => string | undefined): UnifiedDiffEdit[] {
  interface Section {
    file?: string;
    lines: string[];
    headed: boolean;
    hasMinus: boolean;
    hasHunk: boolean;
  }
  const sections: Section[] = [];
  const start = (file?: string): Section => {
    const s: Section = { file, lines: [], headed: file !== undefined, hasMinus: false, hasHunk: false };
    sections.push(s);
    return s;
  };
  let cur: Section | undefined;
  for (let k = 0; k < body.length; k++) {
    const line = body[k];
    const git = /^diff --git\s+(\S+)\s+(\S+)/.exec(line);
    if (git) {
      cur = start(withoutGitPrefix(git[1], git[2]));
    } else if (/^--- /.test(line) && /^\+\+\+ /.test(body[k + 1] ?? '')) {
      if (!cur || cur.hasHunk || cur.hasMinus) cur = start();
      cur.hasMinus = true;
      cur.headed = true;
      const [minus, plus] = [headerPath(line), headerPath(body[k + 1])];
      cur.file = (plus ? withoutGitPrefix(minus, plus) : minus && withoutGitPrefix(minus, minus, 'a/')) ?? cur.file;
      cur.lines.push(line, body[k + 1]);
      k++;
      continue;
    } else {
      cur ??= start();
      if (/^@@/.test(line)) cur.hasHunk = true;
    }
    cur.lines.push(line);
  }
  return sections
    .filter((s) => s.headed || s.hasHunk)
    .map((s) => {
      const text = s.lines.join('\n').replace(/\n+$/, '');
      const file = s.headed ? s.file : fallback();
      return { kind: 'unified-diff', ...(file ? { file } : {}), diff: `${text}\n` } satisfies UnifiedDiffEdit;
    });
}
