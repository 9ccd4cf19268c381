import type { Dirent } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { SelfRepairError } from '../errors';

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

/** Installed dependencies: too big to copy, so a copy links to the user's folder. */
export const DEPENDENCY_NAMES: ReadonlySet<string> = new Set(['node_modules', '.venv', 'venv']);

export type EntryKind = 'skip' | 'dependency' | 'walk';

export interface WalkRules {
  root: string;
  exclude: Set<string>;
}

export interface ListProjectFilesOptions {
  /** Stop after this many files (default 20 000), so a huge folder cannot stall the engine. */
  maxFiles?: number;
}

export const DEFAULT_MAX_FILES = 20_000;

/** Project-relative POSIX paths of the regular files under `root`, sorted, leaving out caches and dependency folders. */
export async function walkProjectFiles(root: string, options: ListProjectFilesOptions = {}): Promise<string[]> {
  const rules: WalkRules = { root, exclude: new Set() };
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
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

export async function classify(entry: Dirent, full: string, rules: WalkRules): Promise<EntryKind> {
  if (SKIPPED_NAMES.includes(entry.name) || rules.exclude.has(entry.name)) return 'skip';
  if (rules.exclude.has(toPosix(path.relative(rules.root, full)))) return 'skip';
  if (DEPENDENCY_NAMES.has(entry.name)) return 'dependency';
  // `env` is a common virtualenv name but also a common source folder name; pyvenv.cfg tells them apart.
  if (entry.name === 'env' && (await exists(path.join(full, 'pyvenv.cfg')))) return 'dependency';
  return 'walk';
}

export async function realDirectory(dir: string): Promise<string> {
  const real = await fs.realpath(dir).catch(() => undefined);
  if (!real || !(await fs.stat(real)).isDirectory())
    throw new SelfRepairError('no-project', `project folder not found: ${dir}`);
  return real;
}

export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/** `relPath` resolved under `root`; a path that would leave it (or name the root itself) is refused. */
export function resolveInside(root: string, relPath: string): string {
  const target = path.resolve(root, relPath);
  if (target === root || !isInside(root, target)) throw new Error(`path is outside the sandbox: ${relPath}`);
  return target;
}

export async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}

export async function lexists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

export function toPosix(rel: string): string {
  return rel.split(path.sep).join('/');
}
