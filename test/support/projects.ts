import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { copyPrefix } from '../../src/core/sandbox';

export const FIXTURE_PROJECTS = path.resolve(__dirname, '..', 'fixtures', 'projects');

/** A throw-away copy of a sample project (a folder of test/fixtures/projects, or an absolute path), so a test may let the CLI write into it. */
export async function copyProject(name: string): Promise<{ root: string; remove: () => Promise<void> }> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-'));
  const root = path.join(parent, path.basename(name));
  await cp(path.resolve(FIXTURE_PROJECTS, name), root, {
    recursive: true,
    // Links stay as written: fs.cp would point node_modules/.bin's relative links at the fixture's own
    // files, which a sandbox that hides the folder the repository sits in cannot reach.
    verbatimSymlinks: true,
    filter: (src) => !/(__pycache__|\.pytest_cache)$/.test(src),
  });
  return { root, remove: () => rm(parent, { recursive: true, force: true }) };
}

/** Path → sha256 of every file below root: compares a whole tree byte for byte. */
export async function hashTree(root: string): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        hashes.set(
          path.relative(root, full),
          createHash('sha256')
            .update(await readFile(full))
            .digest('hex'),
        );
    }
  };
  await walk(root);
  return hashes;
}

/**
 * Pids of live processes whose working directory lies in one of the engine's sandboxes: after a
 * repair has ended there must be none.
 */
export async function processesInSandboxes(): Promise<number[]> {
  // Only this process's sandboxes: other runs on the machine (another test process) are none of its business.
  const prefix = path.join(os.tmpdir(), copyPrefix());
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = await readlink(`/proc/${entry}/cwd`);
      if (cwd.startsWith(prefix)) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
