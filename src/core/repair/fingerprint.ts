/**
 * What a project's files were at one moment, cheaply: each listed file's path, size and modification
 * time, digested. Two equal fingerprints mean no listed file was added, removed, resized or touched
 * in between, so a test run made at the first still speaks for the code at the second.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { listProjectTree } from '../sandbox/tree';

export interface ProjectFingerprint {
  /** sha256 over every listed file's path, size and mtime. */
  digest: string;
  /** How many files it covers. */
  files: number;
}

/** Files stat'ed at once. */
const STAT_BATCH = 64;

/**
 * The fingerprint of the files a repair would list at `projectRoot` (git's view in a work tree, else a
 * walk; dependency folders and caches left out, as ProjectCode lists them).
 */
export async function fingerprintProject(projectRoot: string): Promise<ProjectFingerprint> {
  const { files } = await listProjectTree(projectRoot);
  const hash = createHash('sha256');
  for (let i = 0; i < files.length; i += STAT_BATCH) {
    const batch = files.slice(i, i + STAT_BATCH);
    const stats = await Promise.all(batch.map((file) => stat(path.join(projectRoot, file)).catch(() => undefined)));
    batch.forEach((file, j) => {
      const info = stats[j];
      hash.update(`${file}\0${info ? `${info.size}\0${info.mtimeMs}` : 'gone'}\n`);
    });
  }
  return { digest: hash.digest('hex'), files: files.length };
}

/** Whether two fingerprints describe the same files. */
export function sameFiles(a: ProjectFingerprint, b: ProjectFingerprint): boolean {
  return a.digest === b.digest && a.files === b.files;
}
