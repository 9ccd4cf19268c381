import { parsePatch, structuredPatch, formatPatch } from 'diff';

export interface DiffInput {
  path: string;
  before: string;
  after: string;
  /** The file did not exist before: the old side is `/dev/null`. */
  created?: boolean;
}

export interface DiffStats {
  files: number;
  additions: number;
  deletions: number;
}

/** A git-style unified diff (`a/` and `b/` paths, 3 lines of context) of the files that changed. */
export function unifiedDiff(changes: DiffInput[]): string {
  const parts: string[] = [];
  for (const { path, before, after, created } of changes) {
    if (before === after && !created) continue;
    const patch = structuredPatch(
      created ? '/dev/null' : `a/${path}`,
      `b/${path}`,
      before,
      after,
      undefined,
      undefined,
      {
        context: 3,
      },
    );
    const body = formatPatch(patch, { includeIndex: false, includeUnderline: false, includeFileHeaders: true })
      // formatPatch writes a tab after each file name for the (absent) header; git does not.
      .replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2');
    const head = [`diff --git a/${path} b/${path}`, ...(created ? ['new file mode 100644'] : [])];
    parts.push(`${head.join('\n')}\n${body.endsWith('\n') ? body : `${body}\n`}`);
  }
  return parts.join('');
}

/** Files, added and removed lines of a unified diff. */
export function diffStats(diff: string): DiffStats {
  const stats: DiffStats = { files: 0, additions: 0, deletions: 0 };
  if (diff.trim() === '') return stats;
  for (const file of parsePatch(diff)) {
    if (file.hunks.length === 0) continue;
    stats.files++;
    for (const hunk of file.hunks) {
      for (const line of hunk.lines) {
        if (line.startsWith('+')) stats.additions++;
        else if (line.startsWith('-')) stats.deletions++;
      }
    }
  }
  return stats;
}
