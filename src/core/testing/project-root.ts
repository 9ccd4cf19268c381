/**
 * Where a run starts in a repository that holds several projects (a monorepo, a Go service beside a
 * Python package): the nearest folder above a test that holds a test framework's own configuration.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { adapters } from './adapters';
import type { FrameworkAdapter } from './types';

export interface ProjectRoot {
  /** Absolute path of the folder. */
  root: string;
  /** The adapter whose configuration claims it. */
  adapter: FrameworkAdapter;
}

/** Folders never searched for projects: dependencies, build output, virtualenvs, VCS data. */
const SKIPPED = new Set(['node_modules', 'target', '.venv', 'venv', 'vendor', '.git', 'dist', 'build', '__pycache__']);
const LIST_DEPTH = 4;
const LIST_FOLDERS = 2_000;

/** The first adapter (in precedence order) whose configuration `dir` holds. */
export async function configuredAdapter(dir: string): Promise<FrameworkAdapter | undefined> {
  for (const adapter of adapters) {
    if (await adapter.configuredIn?.(dir)) return adapter;
  }
  return undefined;
}

/**
 * The nearest folder at or above `start` (a file or a folder) and not above `boundary` whose files
 * make an adapter claim it by its configuration; undefined when there is none, or `start` lies
 * outside `boundary`.
 */
export async function findProjectRoot(start: string, boundary: string): Promise<ProjectRoot | undefined> {
  const top = path.resolve(boundary);
  const resolved = path.resolve(start);
  let dir = (await isDirectory(resolved)) ? resolved : path.dirname(resolved);
  if (!isInside(dir, top)) return undefined;
  for (;;) {
    const adapter = await configuredAdapter(dir);
    if (adapter) return { root: dir, adapter };
    const parent = path.dirname(dir);
    if (dir === top || parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The project roots at or below `boundary`, by path: "which packages are here".
 * Bounded in depth and in folders read, so a huge tree answers quickly with what it found.
 */
export async function listProjectRoots(boundary: string): Promise<ProjectRoot[]> {
  const found: ProjectRoot[] = [];
  let level = [path.resolve(boundary)];
  let read = 0;
  for (let depth = 0; depth <= LIST_DEPTH && level.length && read < LIST_FOLDERS; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (read++ >= LIST_FOLDERS) break;
      const adapter = await configuredAdapter(dir);
      if (adapter) found.push({ root: dir, adapter });
      next.push(...(await subfolders(dir)));
    }
    level = next;
  }
  return found.sort((a, b) => a.root.localeCompare(b.root));
}

/** True when `dir` is `top` or lies below it. */
function isInside(dir: string, top: string): boolean {
  const rel = path.relative(top, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function subfolders(dir: string): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isDirectory() && !SKIPPED.has(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => path.join(dir, entry.name))
    .sort();
}

async function isDirectory(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
