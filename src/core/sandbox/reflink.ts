import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/** Why reflinks cannot be used for copies of `source` in `tmpDir`; undefined when they can. Cached per place. */
const probes = new Map<string, Promise<string | undefined>>();

export function reflinkRefusal(source: string, tmpDir: string): Promise<string | undefined> {
  const key = `${source}\0${tmpDir}`;
  let probe = probes.get(key);
  if (!probe) probes.set(key, (probe = probeReflink(source, tmpDir)));
  return probe;
}

async function probeReflink(source: string, tmpDir: string): Promise<string | undefined> {
  await fs.mkdir(tmpDir, { recursive: true });
  const [from, to] = await Promise.all([fs.stat(source), fs.stat(tmpDir)]);
  // A clone never crosses filesystems (btrfs subvolumes report their own device and can, but rarely matter).
  if (from.dev !== to.dev) return 'the project and the temp folder are on different filesystems';
  const dir = await fs.mkdtemp(path.join(tmpDir, 'self-repair-probe-'));
  try {
    await fs.writeFile(path.join(dir, 'a'), 'reflink probe\n');
    await fs.copyFile(path.join(dir, 'a'), path.join(dir, 'b'), constants.COPYFILE_FICLONE_FORCE);
    return undefined;
  } catch (error) {
    return `the filesystem has no reflinks (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
