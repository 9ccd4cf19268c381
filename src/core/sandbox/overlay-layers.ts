import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { classify, toPosix } from './tree';
import { copyPrefix } from './leftovers';

/** One overlay's folders, all in one fresh folder of the temp dir. */
export interface OverlayLayers {
  dir: string;
  /** Where the overlay is mounted inside the namespace (an empty folder outside it). */
  root: string;
  /** Every change made in the view lands here. */
  upper: string;
  /** Overlayfs's scratch folder; must be on the upper folder's filesystem. */
  work: string;
}

export async function overlayLayers(tmpDir: string, prefix = copyPrefix()): Promise<OverlayLayers> {
  await fs.mkdir(tmpDir, { recursive: true });
  const dir = await fs.realpath(await fs.mkdtemp(path.join(tmpDir, prefix)));
  const layers = { dir, root: path.join(dir, 'project'), upper: path.join(dir, 'upper'), work: path.join(dir, 'work') };
  await Promise.all([fs.mkdir(layers.root), fs.mkdir(layers.upper), fs.mkdir(layers.work)]);
  return layers;
}

/** Removes every folder of the overlay; nothing is left in the temp dir. */
export async function removeLayers(layers: OverlayLayers): Promise<void> {
  // The kernel leaves work/work without any permission; an unprivileged user could not empty it otherwise.
  await fs.chmod(path.join(layers.work, 'work'), 0o700).catch(() => undefined);
  await fs.rm(layers.dir, { recursive: true, force: true });
}

/** What the upper layer adds to the view (regular files) and hides from the project below it. */
export interface UpperScan {
  files: string[];
  /** Whiteouts and non-folders: the project's entries at these paths, and below them, are not in the view. */
  hiding: Set<string>;
}

export async function scanUpper(upper: string): Promise<UpperScan> {
  const scan: UpperScan = { files: [], hiding: new Set() };
  const rules = { root: upper, exclude: new Set<string>() };
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if ((await classify(entry, full, rules)) !== 'walk') continue;
      const rel = toPosix(path.relative(upper, full));
      if (entry.isDirectory()) await walk(full);
      else scan.hiding.add(rel);
      if (entry.isFile()) scan.files.push(rel);
    }
  };
  await walk(upper);
  return scan;
}

/**
 * Copies a view's changes into a new upper folder, without caches (as a copy leaves them out) and without
 * whiteouts, which only the kernel may create: files deleted in the source view are back in the new one.
 */
export async function copyUpper(from: string, to: string): Promise<void> {
  const rules = { root: from, exclude: new Set<string>() };
  const copy = async (srcDir: string, destDir: string): Promise<void> => {
    const entries = await fs.readdir(srcDir, { withFileTypes: true });
    await Promise.all(entries.map((entry) => copyEntry(entry, srcDir, destDir)));
  };
  const copyEntry = async (entry: Dirent, srcDir: string, destDir: string): Promise<void> => {
    const src = path.join(srcDir, entry.name);
    const dest = path.join(destDir, entry.name);
    if ((await classify(entry, src, rules)) === 'skip') return;
    if (entry.isSymbolicLink()) await fs.symlink(await fs.readlink(src), dest);
    else if (entry.isFile()) await fs.copyFile(src, dest);
    else if (entry.isDirectory()) {
      await fs.mkdir(dest);
      await copy(src, dest);
      // Only now: a read-only folder could not have been filled.
      await fs.chmod(dest, (await fs.stat(src)).mode & 0o7777);
    }
  };
  await copy(from, to);
}
