import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileChange } from './types';

export class StaleFileError extends Error {
  constructor(readonly files: string[]) {
    super(
      `${files.join(', ')} changed since the repair started; nothing was written (apply the patch by hand or repair again)`,
    );
    this.name = 'StaleFileError';
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes a verified patch into the user's folder, all or nothing: if any file no longer holds what
 * the repair started from (the user kept editing), nothing is written. Each file is replaced by a
 * rename, so a crash never leaves half a file.
 */
export async function writeChanges(projectRoot: string, changes: FileChange[]): Promise<void> {
  const stale: string[] = [];
  for (const change of changes) {
    const now = await readIfExists(path.join(projectRoot, change.path));
    if ((now ?? '') !== change.before) stale.push(change.path);
  }
  if (stale.length) throw new StaleFileError(stale);
  for (const change of changes) {
    const target = path.join(projectRoot, change.path);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.self-repair-${process.pid}.tmp`;
    const mode = await stat(target).then(
      (s) => s.mode,
      () => undefined,
    );
    await writeFile(temp, change.after, 'utf8');
    if (mode !== undefined) await chmod(temp, mode);
    await rename(temp, target);
  }
}
