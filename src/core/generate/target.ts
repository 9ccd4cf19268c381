/** The function a generate run implements: found by name in its file, and checked to be a stub. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SelfRepairError } from '../errors';
import { languageForFile } from '../syntax';
import type { LanguageId } from '../syntax/types';
import { functionShapes, isStub, type FunctionShape, type Stub } from './stubs';

/** What to implement: a file (absolute, or relative to the project) and a function in it (`mean`, `Stats.mean`). */
export interface GenerateTarget {
  file: string;
  name: string;
}

/** The stub found, with the file it lives in as the project sees it. */
export interface FoundStub {
  stub: Stub;
  /** Project-relative POSIX path. */
  file: string;
  lang: LanguageId;
  /** The file's text when the run started. */
  text: string;
}

function targetError(message: string): SelfRepairError {
  return new SelfRepairError('generate-target', message);
}

/** The stub `target` names, or a one-line error saying why it cannot be implemented. */
export async function findTargetStub(projectRoot: string, target: GenerateTarget): Promise<FoundStub> {
  const absolute = path.resolve(projectRoot, target.file);
  const file = path.relative(projectRoot, absolute).split(path.sep).join('/');
  if (file.startsWith('../') || path.isAbsolute(file))
    throw targetError(`${target.file} is outside the project ${projectRoot}`);
  const lang = languageForFile(file);
  if (!lang) throw targetError(`${file}: not a Python, JavaScript, TypeScript, Go or Rust file`);
  const text = await readFile(absolute, 'utf8').catch(() => {
    throw targetError(`file not found: ${file}`);
  });
  const fn = pickFunction(await functionShapes(text, file, lang), target.name, file);
  if (fn.stubBody === undefined)
    throw targetError(
      `${fn.name} in ${file} already has a body, so it is not a stub; use repair to fix it against its tests`,
    );
  if (!isStub(fn)) throw targetError(`${fn.name} in ${file} has no docstring or comment: say what it should do first`);
  return { stub: fn, file, lang, text };
}

/** `Stats.mean` names one method; `mean` names the only function or method of that name. */
function pickFunction(functions: FunctionShape[], name: string, file: string): FunctionShape {
  const exact = functions.filter((f) => f.name === name);
  const named = exact.length ? exact : functions.filter((f) => f.simpleName === name);
  if (named.length === 1) return named[0]!;
  if (!named.length) throw targetError(`no function ${name} in ${file}`);
  throw targetError(
    `several functions named ${name} in ${file} (${named.map((f) => f.name).join(', ')}); name one of them`,
  );
}
