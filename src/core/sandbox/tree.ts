import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

const runFile = promisify(execFile);

export type EntryKind = 'skip' | 'dependency' | 'walk';

export interface WalkRules {
  root: string;
  exclude: Set<string>;
}

export interface ListProjectFilesOptions {
  /** Stop after this many files (default 200 000), so a huge folder cannot stall the engine. */
  maxFiles?: number;
}

export const DEFAULT_MAX_FILES = 200_000;

/** A project's files, and whether the listing stopped at its cap (then some files are not in it). */
export interface FileListing {
  files: string[];
  truncated: boolean;
}

/** Project-relative POSIX paths of the regular files under `root`, sorted, leaving out caches and dependency folders. */
export async function walkProjectFiles(root: string, options: ListProjectFilesOptions = {}): Promise<string[]> {
  return (await walkFileListing(root, options)).files;
}

/**
 * The project's files as `walkProjectFiles` lists them, but in a git work tree through git, so what
 * `.gitignore` ignores (build output, generated files) is left out too. Reads only; any git trouble
 * falls back to the walk.
 */
export async function listProjectTree(root: string, options: ListProjectFilesOptions = {}): Promise<FileListing> {
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const listed = await gitFiles(root).catch(() => undefined);
  if (!listed) return walkFileListing(root, options);
  const files: string[] = [];
  for (const file of listed.sort()) {
    if (skippedPath(file) || !(await isRegularFile(path.join(root, file)))) continue;
    if (files.length >= maxFiles) return { files, truncated: true };
    files.push(file);
  }
  return { files, truncated: false };
}

async function walkFileListing(root: string, options: ListProjectFilesOptions): Promise<FileListing> {
  const rules: WalkRules = { root, exclude: new Set() };
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const files: string[] = [];
  let truncated = false;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (truncated) return;
      const full = path.join(dir, entry.name);
      if ((await classify(entry, full, rules)) !== 'walk') continue;
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile()) {
        if (files.length >= maxFiles) truncated = true;
        else files.push(toPosix(path.relative(rules.root, full)));
      }
    }
  };
  await walk(rules.root);
  return { files: files.sort(), truncated };
}

/** Tracked and untracked-but-not-ignored files under `root`, project-relative; rejects outside a work tree. */
async function gitFiles(root: string): Promise<string[]> {
  const args = ['ls-files', '--cached', '--others', '--exclude-standard', '-z'];
  const { stdout } = await runFile('git', args, { cwd: root, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
  return [...new Set(stdout.split('\0').filter(Boolean))];
}

function skippedPath(file: string): boolean {
  return file.split('/').some((part) => SKIPPED_NAMES.includes(part) || DEPENDENCY_NAMES.has(part));
}

async function isRegularFile(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    (stat) => stat.isFile(),
    () => false,
  );
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
