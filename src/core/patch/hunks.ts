import { toLf } from './files';
import { splitLines } from './match';

/** One hunk of a unified diff as a search/replace pair. */
export interface Hunk {
  search: string;
  replace: string;
  /** The `-start` of the `@@` line, when it has one. */
  oldStart?: number;
  removed: number;
  added: number;
}

/** Hunks as search/replace pairs; lines without a prefix count as context (models drop the space). */
export function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let cur: { search: string[]; replace: string[]; oldStart?: number } | undefined;
  const close = () => {
    if (!cur) return;
    hunks.push({
      search: cur.search.map((l) => `${l}\n`).join(''),
      replace: cur.replace.map((l) => `${l}\n`).join(''),
      oldStart: cur.oldStart,
      removed: cur.search.length,
      added: cur.replace.length,
    });
  };
  for (const line of splitLines(toLf(diff))) {
    if (line.startsWith('@@')) {
      close();
      const start = /^@@\s*-(\d+)/.exec(line);
      cur = { search: [], replace: [], oldStart: start ? Number(start[1]) : undefined };
      continue;
    }
    if (!cur || line.startsWith('\\')) continue;
    const body = line.slice(1);
    if (line.startsWith('-')) cur.search.push(body);
    else if (line.startsWith('+')) cur.replace.push(body);
    else {
      const context = line.startsWith(' ') ? body : line;
      cur.search.push(context);
      cur.replace.push(context);
    }
  }
  close();
  return hunks;
}
