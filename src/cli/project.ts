/**
 * Which folder a `self-repair repair <path>` runs in: the path may name a project, a folder inside
 * one, or a test file, in a repository that holds several projects.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findProjectRoot, listProjectRoots, selectAdapter, SelfRepairError } from '../core';

export interface ChosenProject {
  /** Absolute path of the folder the tests run in. */
  root: string;
  /** Set when the root is not the path the user gave: one line saying which it is, for the progress. */
  note?: string;
}

/**
 * With `--test`, a folder is the root as given (the command runs there). Otherwise the root is the
 * nearest folder at or above the path that a framework's configuration claims; failing that, the
 * folder itself when its files show a framework (as before monorepos were looked for). A folder with
 * neither but projects below it is a usage error naming them.
 */
export async function chooseProject(
  cwd: string,
  arg: string | undefined,
  testCommand?: string,
): Promise<ChosenProject> {
  const target = path.resolve(cwd, arg ?? '.');
  const isDir = await stat(target).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
  if (isDir === undefined) throw new SelfRepairError('no-project', `project folder not found: ${target}`);
  const folder = isDir ? target : path.dirname(target);
  if (testCommand?.trim() && isDir) return { root: target };
  const found = await findProjectRoot(target, searchBoundary(folder));
  if (found) {
    const note = found.root === target ? undefined : `project: ${shown(cwd, found.root)} (${found.adapter.label})`;
    return { root: found.root, note };
  }
  if (testCommand?.trim() || (await hasFramework(folder))) return { root: folder };
  const below = await listProjectRoots(folder);
  if (!below.length) return { root: folder };
  const names = below.map((project) => `${shown(folder, project.root)} (${project.adapter.label})`).join(', ');
  throw new SelfRepairError(
    'no-project',
    `no test framework at ${shown(cwd, folder)}; projects below it: ${names}; run on one of them`,
  );
}

/**
 * How far up the search may go: the top of the git work tree holding `dir`; outside one, the folder
 * just below the home or temporary folder (a stray package.json there belongs to no project), else
 * the filesystem root.
 */
export function searchBoundary(dir: string): string {
  const stops = new Set([os.homedir(), os.tmpdir()].map((stop) => path.resolve(stop)));
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return current;
    const parent = path.dirname(current);
    if (parent === current || stops.has(parent)) return current;
  }
}

async function hasFramework(dir: string): Promise<boolean> {
  return selectAdapter(dir).then(
    () => true,
    () => false,
  );
}

/** `dir` relative to `from` when inside it (`.` for itself), else absolute. */
function shown(from: string, dir: string): string {
  const rel = path.relative(from, dir);
  if (!rel) return '.';
  return rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel.split(path.sep).join('/');
}
