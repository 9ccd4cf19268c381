/** `self-repair generate <file>:<function>`: which stub, and which project its tests run in. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findProjectRoot, type GenerateTarget, SelfRepairError } from '../core';
import { searchBoundary, type ChosenProject } from './project';

/** `stats/core.py:mean` → the file and the function (the last `:` separates them; a method is `Class.method`). */
export function parseGenerateSpec(spec: string): { file: string; name: string } {
  const colon = spec.lastIndexOf(':');
  const file = colon > 0 ? spec.slice(0, colon) : '';
  const name = colon > 0 ? spec.slice(colon + 1).trim() : '';
  if (!file || !name)
    throw new SelfRepairError('generate-target', `expected <file>:<function>, e.g. stats.py:mean; got ${spec}`);
  return { file, name };
}

/**
 * The project is the nearest folder above the file that a test framework's configuration claims,
 * else the current folder; the target's file is then taken relative to it.
 */
export async function chooseGenerateProject(
  cwd: string,
  spec: string,
): Promise<ChosenProject & { generate: GenerateTarget }> {
  const { file, name } = parseGenerateSpec(spec);
  const absolute = path.resolve(cwd, file);
  const isFile = await stat(absolute).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) throw new SelfRepairError('generate-target', `file not found: ${file}`);
  const found = await findProjectRoot(absolute, searchBoundary(path.dirname(absolute)));
  const root = found?.root ?? cwd;
  const note =
    found && found.root !== cwd
      ? `project: ${path.relative(cwd, found.root) || '.'} (${found.adapter.label})`
      : undefined;
  return { root, ...(note ? { note } : {}), generate: { file: absolute, name } };
}
