import type { Dirent } from 'node:fs';
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyPrefix, sweepLeftoverCopiesOnce } from './leftovers';
import type { Sandbox } from './types';

/** Caches and tool state: useless in a copy, and stale caches (e.g. pytest's) would change what tests see. */
export const SKIPPED_NAMES: readonly string[] = [
  '.git',
  '__pycache__',
  '.pytest_cache',
  '.mypy_cache',
  '.tox',
  'coverage',
  '.nyc_output',
];

/** Installed dependencies: too big to copy, so the copy links to the user's folder. */
const DEPENDENCY_NAMES = new Set(['node_modules', '.venv', 'venv']);

export interface CreateSandboxOptions {
  /** Extra names (any depth) or project-relative POSIX paths to leave out of the copy. */
  exclude?: string[];
  /** Parent folder for the copy; defaults to the system temp folder. */
  tmpDir?: string;
}

export interface ListProjectFilesOptions {
  /** Stop after this many files (default 20 000), so a huge folder cannot stall the engine. */
  maxFiles?: number;
}

type EntryKind = 'skip' | 'dependency' | 'walk';

interface WalkRules {
  root: string;
  exclude: Set<string>;
}

interface CopyRules extends WalkRules {
  destRoot: string;
}

class CopiedSandbox implements Sandbox {
  private disposing?: Promise<void>;

  constructor(
    readonly root: string,
    /** Kept so that clones skip the same paths. */
    readonly exclude: readonly string[],
  ) {}

  async readFile(relPath: string): Promise<string> {
    return fs.readFile(this.resolve(relPath), 'utf8');
  }

  async writeFile(relPath: string, content: string): Promise<void> {
    const target = this.resolve(relPath);
    // Dependency folders are links to the user's real ones; writing through a link would change their files.
    const existing = await deepestExisting(target);
    const real = await fs.realpath(existing);
    if (!isInside(this.root, real)) {
      throw new Error(`cannot write ${relPath}: it leads outside the sandbox (through a symlink)`);
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, content, 'utf8');
  }

  dispose(): Promise<void> {
    // fs.rm removes symlinks themselves and never follows them into the user's dependency folders.
    this.disposing ??= fs.rm(this.root, { recursive: true, force: true });
    return this.disposing;
  }

  private resolve(relPath: string): string {
    const target = path.resolve(this.root, relPath);
    if (target === this.root || !isInside(this.root, target)) {
      throw new Error(`path is outside the sandbox: ${relPath}`);
    }
    return target;
  }
}

/** Copies the project into a fresh temp folder; the user's files are only read. */
export async function createSandbox(projectRoot: string, options: CreateSandboxOptions = {}): Promise<Sandbox> {
  const source = await realDirectory(projectRoot);
  const exclude = options.exclude ?? [];
  sweepLeftoverCopiesOnce(options.tmpDir ?? os.tmpdir());
  return copyInto(source, exclude, options.tmpDir ?? os.tmpdir());
}

/** A new, independent copy of a sandbox (e.g. one per candidate patch), made next to the original. */
export async function cloneSandbox(from: Sandbox): Promise<Sandbox> {
  const exclude = from instanceof CopiedSandbox ? from.exclude : [];
  return copyInto(await realDirectory(from.root), exclude, path.dirname(from.root));
}

/** Project-relative POSIX paths of regular files, sorted, leaving out caches and dependency folders. */
export async function listProjectFiles(root: string, options: ListProjectFilesOptions = {}): Promise<string[]> {
  const rules: WalkRules = { root: await realDirectory(root), exclude: new Set() };
  const maxFiles = options.maxFiles ?? 20_000;
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.length >= maxFiles) return;
      const full = path.join(dir, entry.name);
      if ((await classify(entry, full, rules)) !== 'walk') continue;
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) files.push(toPosix(path.relative(rules.root, full)));
    }
  };
  await walk(rules.root);
  return files.sort();
}

async function copyInto(source: string, exclude: readonly string[], tmpDir: string): Promise<Sandbox> {
  await fs.mkdir(tmpDir, { recursive: true });
  const dest = await fs.realpath(await fs.mkdtemp(path.join(tmpDir, copyPrefix())));
  const sandbox = new CopiedSandbox(dest, exclude);
  try {
    await copyTree(source, dest, { root: source, destRoot: dest, exclude: new Set(exclude) });
  } catch (error) {
    await sandbox.dispose();
    throw error;
  }
  return sandbox;
}

async function copyTree(srcDir: string, destDir: string, rules: CopyRules): Promise<void> {
  const entries = await fs.readdir(srcDir, { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const src = path.join(srcDir, entry.name);
      const dest = path.join(destDir, entry.name);
      // The temp folder may lie inside the project (a custom tmpDir); never copy the copy into itself.
      if (src === rules.destRoot) return;
      const kind = await classify(entry, src, rules);
      if (kind === 'skip') return;
      if (kind === 'dependency') {
        // Absolute target, so that clones of this copy still point at the user's real folder.
        const target = entry.isSymbolicLink() ? path.resolve(srcDir, await fs.readlink(src)) : src;
        await fs.symlink(target, dest, 'dir');
      } else if (entry.isSymbolicLink()) {
        await fs.symlink(await copiedLinkTarget(src, rules), dest);
      } else if (entry.isDirectory()) {
        await fs.mkdir(dest);
        await copyTree(src, dest, rules);
      } else if (entry.isFile()) {
        await fs.copyFile(src, dest, constants.COPYFILE_FICLONE);
      }
      // Sockets, FIFOs and devices are not project content.
    }),
  );
}

/**
 * Links inside the project keep pointing inside the copy (absolute ones are re-rooted); links that leave
 * the project keep pointing at the same outside place, which a relative target would no longer reach.
 */
async function copiedLinkTarget(src: string, { root, destRoot }: CopyRules): Promise<string> {
  const target = await fs.readlink(src);
  const resolved = path.resolve(path.dirname(src), target);
  if (isInside(root, resolved)) {
    return path.isAbsolute(target) ? path.join(destRoot, path.relative(root, resolved)) : target;
  }
  return resolved;
}

async function classify(entry: Dirent, full: string, rules: WalkRules): Promise<EntryKind> {
  if (SKIPPED_NAMES.includes(entry.name) || rules.exclude.has(entry.name)) return 'skip';
  if (rules.exclude.has(toPosix(path.relative(rules.root, full)))) return 'skip';
  if (DEPENDENCY_NAMES.has(entry.name)) return 'dependency';
  // `env` is a common virtualenv name but also a common source folder name; pyvenv.cfg tells them apart.
  if (entry.name === 'env' && (await exists(path.join(full, 'pyvenv.cfg')))) return 'dependency';
  return 'walk';
}

async function realDirectory(dir: string): Promise<string> {
  const real = await fs.realpath(dir).catch(() => undefined);
  if (!real || !(await fs.stat(real)).isDirectory()) throw new Error(`project folder not found: ${dir}`);
  return real;
}

async function deepestExisting(target: string): Promise<string> {
  let current = target;
  while (!(await lexists(current))) current = path.dirname(current);
  return current;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

async function lexists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

function toPosix(rel: string): string {
  return rel.split(path.sep).join('/');
}
