import { applyEdits, unifiedDiff } from '../../core/patch';
import { PatchError } from '../../core/patch/types';
import type { FileChange } from '../../core/repair/types';

export interface PlannedFile {
  path: string;
  /** The file's new text. */
  text: string;
  /** The file does not exist yet. */
  create: boolean;
  /** The user edited the file during the repair; the candidate's hunks were placed onto their text. */
  rebased: boolean;
}

export type AcceptPlan = { ok: true; files: PlannedFile[] } | { ok: false; message: string };

/**
 * What accepting a candidate writes, given each file's text now (undefined: the file does not
 * exist). A file still as the repair found it gets the candidate's text; a file the user edited
 * since gets the candidate's hunks placed onto their text, which must hold the hunks' lines
 * unambiguously — otherwise nothing is planned at all, so their edits are never overwritten.
 */
export async function planAccept(
  changes: readonly FileChange[],
  current: ReadonlyMap<string, string | undefined>,
): Promise<AcceptPlan> {
  const files: PlannedFile[] = [];
  for (const change of changes) {
    const now = current.get(change.path);
    if (now === change.after) continue;
    if (now === undefined) {
      if (!change.created) return refuse(`${change.path} was deleted since the repair started; nothing was changed`);
      files.push({ path: change.path, text: change.after, create: true, rebased: false });
      continue;
    }
    if (now === change.before) {
      files.push({ path: change.path, text: change.after, create: false, rebased: false });
      continue;
    }
    if (change.created && now.trim() !== '') {
      return refuse(`${change.path} was created since the repair started; nothing was changed (repair again)`);
    }
    try {
      const diff = unifiedDiff([{ path: change.path, before: change.before, after: change.after }]);
      const edited = await applyEdits([{ kind: 'unified-diff', file: change.path, diff }], {
        readFile: async (file) => (file === change.path ? now : undefined),
        projectFiles: [change.path],
        focusFiles: [change.path],
        isTestFile: () => false,
      });
      const text = edited.get(change.path);
      if (text === undefined) throw new PatchError('the candidate changes nothing in your version');
      files.push({ path: change.path, text, create: false, rebased: true });
    } catch (error) {
      if (!(error instanceof PatchError)) throw error;
      return refuse(
        `${change.path} changed since the repair started and the candidate does not fit your edits; nothing was changed (repair again)`,
      );
    }
  }
  return { ok: true, files };
}

function refuse(message: string): AcceptPlan {
  return { ok: false, message };
}

/**
 * The smallest single replacement turning `before` into `after` (offsets into `before`), so an
 * accepted candidate moves the cursor, folds and markers only where the code changed. Never splits
 * a CRLF pair or a surrogate pair.
 */
export function minimalEdit(before: string, after: string): { start: number; end: number; text: string } {
  let start = 0;
  const limit = Math.min(before.length, after.length);
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail < limit - start &&
    before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)
  )
    tail++;
  while (start > 0 && splits(before, start)) start--;
  while (tail > 0 && splits(before, before.length - tail)) tail--;
  return { start, end: before.length - tail, text: after.slice(start, after.length - tail) };
}

/** Would a cut at `at` fall inside `\r\n` or inside a surrogate pair? */
function splits(text: string, at: number): boolean {
  if (at <= 0 || at >= text.length) return false;
  const left = text.charCodeAt(at - 1);
  const right = text.charCodeAt(at);
  return (left === 13 && right === 10) || (left >= 0xd800 && left <= 0xdbff && right >= 0xdc00 && right <= 0xdfff);
}
