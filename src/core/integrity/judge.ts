/**
 * The judge, fixed before the first candidate: the bytes of every protected file (tests, runner
 * configuration, fixtures, snapshots, package.json) as they were before any test ran. Each candidate's
 * copy gets them written again just before its run, so nothing a candidate or an earlier run left can
 * change what judges it.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { listProjectFiles } from '../sandbox/workspace';
import { protectionOf, type ProtectedRule } from './protected';

export class JudgeSnapshot {
  private constructor(private readonly files: ReadonlyMap<string, Buffer>) {}

  /** Reads the protected files of the copy at `root`; call it before the baseline runs. */
  static async take(root: string, rule: ProtectedRule): Promise<JudgeSnapshot> {
    const files = new Map<string, Buffer>();
    for (const file of await listProjectFiles(root)) {
      if (!isJudged(file, rule)) continue;
      files.set(file, await readFile(path.join(root, file)));
    }
    return new JudgeSnapshot(files);
  }

  /** Project-relative paths of the protected files. */
  get paths(): string[] {
    return [...this.files.keys()];
  }

  /** Writes every protected file into the copy at `root` with its original bytes, except `skip` (allowed test edits). */
  async restoreInto(root: string, skip: ReadonlySet<string> = new Set()): Promise<void> {
    for (const [file, bytes] of this.files) {
      if (skip.has(file)) continue;
      const target = path.join(root, file);
      // A link put in its place must not redirect the write.
      await rm(target, { force: true });
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
  }
}

function isJudged(file: string, rule: ProtectedRule): boolean {
  return path.posix.basename(file) === 'package.json' || protectionOf(file, rule) !== undefined;
}
