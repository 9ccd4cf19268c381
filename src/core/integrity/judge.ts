/**
 * The judge, fixed before the first candidate: the bytes of every protected file (tests, runner
 * configuration, fixtures, snapshots, package.json) as they were before any test ran. Each candidate's
 * copy gets them written again just before its run, so nothing a candidate or an earlier run left can
 * change what judges it.
 */
import path from 'node:path';
import type { Sandbox } from '../sandbox/types';
import { protectionOf, type ProtectedRule } from './protected';

/** Protected files written at once into a candidate's copy. */
const RESTORE_WRITERS = 8;

export class JudgeSnapshot {
  private constructor(private readonly files: ReadonlyMap<string, string>) {}

  /** Reads the protected files of the base sandbox; call it before the baseline runs. */
  static async take(sandbox: Sandbox, rule: ProtectedRule): Promise<JudgeSnapshot> {
    const files = new Map<string, string>();
    for (const file of await sandbox.listFiles()) {
      if (!isJudged(file, rule)) continue;
      files.set(file, await sandbox.readFile(file));
    }
    return new JudgeSnapshot(files);
  }

  /** Project-relative paths of the protected files. */
  get paths(): string[] {
    return [...this.files.keys()];
  }

  /**
   * Writes every protected file into `sandbox` with its original text, except `skip` (allowed test edits).
   * The sandbox's own writeFile refuses paths and links that lead out of it.
   */
  async restoreInto(sandbox: Sandbox, skip: ReadonlySet<string> = new Set()): Promise<void> {
    const pending = [...this.files].filter(([file]) => !skip.has(file));
    // Each write waits on a few file system calls: one after the other, a project with hundreds of test
    // files spent over 100 ms per candidate here. The files are distinct, so a few writers share the list.
    const writer = async (): Promise<void> => {
      for (let next = pending.pop(); next; next = pending.pop()) await sandbox.writeFile(next[0], next[1]);
    };
    await Promise.all(Array.from({ length: RESTORE_WRITERS }, writer));
  }
}

function isJudged(file: string, rule: ProtectedRule): boolean {
  return path.posix.basename(file) === 'package.json' || protectionOf(file, rule) !== undefined;
}
