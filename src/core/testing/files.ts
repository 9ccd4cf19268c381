/** File checks that answer "no" instead of throwing when a file or folder is missing or unreadable. */

import { readdir, readFile } from 'node:fs/promises';

/** True when some entry directly in `dir` passes `test`. */
export async function hasAnyFile(dir: string, test: (name: string) => boolean): Promise<boolean> {
  try {
    return (await readdir(dir)).some(test);
  } catch {
    return false;
  }
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}
