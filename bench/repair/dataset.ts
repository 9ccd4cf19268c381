/**
 * HumanEvalFix tasks (HumanEvalPack, MIT) as small projects: the buggy program and its tests, in Python
 * (pytest) or JavaScript (node --test). A task's fixed program is what the dataset calls canonical.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export type Language = 'python' | 'js';

export interface DatasetTask {
  task_id: string;
  prompt: string;
  declaration: string;
  buggy_solution: string;
  canonical_solution: string;
  test: string;
  example_test?: string;
  entry_point: string;
  bug_type?: string;
}

/** A task as the bench uses it: files to write, and the program before and after the fix. */
export interface TaskProject {
  id: string;
  language: Language;
  entryPoint: string;
  /** Path of the program inside the project. */
  source: string;
  buggy: string;
  fixed: string;
  /** Every file of the project (the program included), by relative path. */
  files: Record<string, string>;
}

const FIELDS = ['task_id', 'prompt', 'buggy_solution', 'canonical_solution', 'test', 'entry_point'] as const;

/** Where the shared copy of the data lives, seen from the repository (a worktree sits one level deeper). */
export function defaultDatasetDir(repoRoot: string): string | undefined {
  const candidates = [
    process.env.HUMANEVALFIX_DIR,
    path.join(repoRoot, '..', 'shared', 'datasets', 'humanevalfix'),
    path.join(repoRoot, '..', '..', 'shared', 'datasets', 'humanevalfix'),
  ];
  return candidates.find((dir): dir is string => !!dir && existsSync(path.join(dir, 'python.jsonl')));
}

/** `python` and `js` name the shared files; anything else is a path to a .jsonl file. */
export function resolveDataset(name: string, repoRoot: string): string {
  if (name !== 'python' && name !== 'js') return path.resolve(name);
  const dir = defaultDatasetDir(repoRoot);
  if (!dir) throw new Error(`no HumanEvalFix data found: set HUMANEVALFIX_DIR or pass --dataset <file.jsonl>`);
  return path.join(dir, `${name}.jsonl`);
}

export async function loadDataset(file: string): Promise<TaskProject[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read dataset ${file}: ${error.code ?? error.message}`);
  });
  return text
    .split('\n')
    .filter((line) => line.trim())
    .map((line, k) => toProject(parseTask(line, `${file}:${k + 1}`)));
}

function parseTask(line: string, where: string): DatasetTask {
  let task: Partial<DatasetTask>;
  try {
    task = JSON.parse(line) as Partial<DatasetTask>;
  } catch {
    throw new Error(`${where}: not a JSON object`);
  }
  const missing = FIELDS.filter((field) => typeof task[field] !== 'string');
  if (missing.length) throw new Error(`${where}: missing ${missing.join(', ')}`);
  return task as DatasetTask;
}

export function toProject(task: DatasetTask): TaskProject {
  return task.task_id.startsWith('Python/') ? pythonProject(task) : jsProject(task);
}

/** The visible examples, unless absent or garbled (one task's starts with an indented copy of the solution). */
function usableExamples(example: string | undefined): example is string {
  return !!example?.trim() && /^\S/.test(example.replace(/^\s*\n/, ''));
}

/** Without its last line `check(entry_point)`: the test function calls it instead. */
function withoutCall(test: string): string {
  return test.replace(/\n\s*check\([\w.]+\)\s*$/, '\n').trimEnd();
}

function pythonTest(test: string, name: string, entryPoint: string): string {
  return [
    'from solution import *  # noqa: F401,F403',
    '',
    withoutCall(test),
    '',
    '',
    `def test_${name}():`,
    `    check(${entryPoint})`,
    '',
  ].join('\n');
}

function pythonProject(task: DatasetTask): TaskProject {
  const source = 'solution.py';
  const buggy = task.prompt + task.buggy_solution;
  const files: Record<string, string> = {
    'pytest.ini': '[pytest]\n',
    [source]: buggy,
    'test_hidden.py': pythonTest(task.test, 'hidden', task.entry_point),
  };
  if (usableExamples(task.example_test))
    files['test_examples.py'] = pythonTest(task.example_test, 'examples', task.entry_point);
  return {
    id: task.task_id,
    language: 'python',
    entryPoint: task.entry_point,
    source,
    buggy,
    fixed: task.prompt + task.canonical_solution,
    files,
  };
}

/** Top-level names a JavaScript program defines. */
function definedNames(program: string): string[] {
  return [...program.matchAll(/^(?:async\s+)?(?:const|let|var|function\*?)\s+([\w$]+)/gm)].map((m) => m[1]!);
}

function exportsOf(buggy: string, fixed: string): string {
  const inFixed = new Set(definedNames(fixed));
  const names = [...new Set(definedNames(buggy))].filter((name) => inFixed.has(name));
  return `\nmodule.exports = { ${names.join(', ')} };\n`;
}

/** console.assert only prints in Node; assert.ok throws, so a failed check fails the test. */
function jsTest(test: string, name: string, names: string): string {
  const body = test.replace(/console\.assert\(/g, 'assert.ok(').trimEnd();
  return [
    "const { test } = require('node:test');",
    "const assert = require('node:assert');",
    `const ${names
      .trim()
      .replace(/^module\.exports = /, '')
      .replace(/;$/, '')} = require('../solution.js');`,
    '',
    `test('${name}', () => {`,
    body,
    '});',
    '',
  ].join('\n');
}

const MD5_SHIM = "module.exports = (text) => require('node:crypto').createHash('md5').update(text).digest('hex');\n";

function jsProject(task: DatasetTask): TaskProject {
  const source = 'solution.js';
  const program = (body: string) => task.prompt + body;
  const names = exportsOf(program(task.buggy_solution), program(task.canonical_solution));
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify({ name: 'task', private: true, type: 'commonjs', scripts: { test: 'node --test' } }, null, 2)}\n`,
    [source]: program(task.buggy_solution) + names,
    'test/hidden.test.js': jsTest(task.test, 'hidden', names),
  };
  // One task hashes with the js-md5 package: a shim over node:crypto stands in for it, offline.
  if (/require\(['"]js-md5['"]\)/.test(task.canonical_solution)) files['node_modules/js-md5/index.js'] = MD5_SHIM;
  if (usableExamples(task.example_test)) files['test/examples.test.js'] = jsTest(task.example_test, 'examples', names);
  return {
    id: task.task_id,
    language: 'js',
    entryPoint: task.entry_point,
    source,
    buggy: program(task.buggy_solution) + names,
    fixed: program(task.canonical_solution) + names,
    files,
  };
}
