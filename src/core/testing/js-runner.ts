/**
 * What jest, vitest and mocha have in common as commands: how a project shows it uses one, how the
 * runner is found in a user's command (directly or behind `npm test`), and how arguments get to it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readPackageJson, type PackageJson } from './package-json';
import { plainCommand } from './select';
import { programWords, shellQuote } from './shell';

export interface JsRunner {
  /** The runner's executable name, e.g. `jest`. */
  word: string;
  /** Its npm package. */
  packageName: string;
  /** Config files that mark a project as using it. */
  configFiles: readonly string[];
  /** Arguments of a single run when the project has no script for it, e.g. `run` for `vitest run`. */
  defaultArgs: string;
}

/** Runners a package.json test script may name, so one runner's detection can defer to another's. */
const SCRIPT_RUNNERS: ReadonlyArray<[string, RegExp]> = [
  ['vitest', runnerPattern('vitest')],
  ['jest', runnerPattern('jest')],
  ['mocha', runnerPattern('_?mocha')],
  ['node-test', /(?:^|[\s;&|/'"(])node(?:\.exe)?\s(?:[^;&|]*\s)?--test(?=$|[\s;&|)'"])/],
  ['pytest', /(?:^|[\s;&|/'"(])py\.?test(?=$|[\s;&|)'"])/],
];
const PACKAGE_MANAGER = /^(npm|pnpm|yarn)\s+(?:(?:run|run-script|test|t|tst)\b|[\w:.-]+)/;
/** Where the runner's invocation ends inside a longer shell line: added arguments go before this. */
const SHELL_BREAK = /\s+(?:&&|\|\|?|;|\d?>)/g;

/** `jest`, `npx jest`, `node_modules/.bin/jest`, `yarn jest`, `node node_modules/jest/bin/jest.js`. */
export function runnerPattern(word: string): RegExp {
  return new RegExp(`(?:^|[\\s;&|/'"(])${word}(?:\\.[cm]?js)?(?=$|[\\s;&|)'"])`);
}

/** The runner (id) the project's `npm test` script starts, when it names one we know. */
export function testScriptRunner(pkg: PackageJson | undefined): string | undefined {
  const script = pkg?.scripts?.test;
  if (typeof script !== 'string') return undefined;
  return SCRIPT_RUNNERS.find(([, pattern]) => pattern.test(script))?.[0];
}

/** The test script decides when it names a runner; else a dependency or a config file of this one does. */
export async function usesRunner(root: string, id: string, runner: JsRunner): Promise<boolean> {
  const pkg = await readPackageJson(root);
  const named = testScriptRunner(pkg);
  if (named) return named === id;
  const dependencies = { ...asRecord(pkg?.dependencies), ...asRecord(pkg?.devDependencies) };
  if (runner.packageName in dependencies || (pkg && runner.word in pkg)) return true;
  return runner.configFiles.some((name) => existsSync(path.join(root, name)));
}

/**
 * The test script's own command when it is the runner alone, else `npm test` when the script runs
 * this runner, else the runner by itself. The project's installed runner is started directly: npx and
 * npm take seconds to start on a busy machine, for every run of a repair.
 */
export async function defaultRunnerCommand(root: string, runner: JsRunner): Promise<string> {
  const script = (await readPackageJson(root))?.scripts?.test;
  const local = path.posix.join('node_modules', '.bin', runner.word);
  const program = process.platform !== 'win32' && existsSync(path.join(root, local)) ? local : `npx ${runner.word}`;
  if (typeof script !== 'string' || !runnerPattern(runner.word).test(script)) {
    return `${program}${runner.defaultArgs ? ` ${runner.defaultArgs}` : ''}`;
  }
  const plain = plainCommand(script);
  const words = plain ? programWords(plain) : [];
  return plain && words[0] === runner.word && !/^\w+=/.test(plain)
    ? [program, ...words.slice(1)].join(' ')
    : 'npm test';
}

/**
 * The command with `args` given to the runner: right after its invocation when the command names it,
 * else (a package script such as `npm test`) after npm's `--`. Undefined for anything else.
 */
export function withRunnerArgs(command: string, word: RegExp, args: readonly string[]): string | undefined {
  const added = args.join(' ');
  const match = word.exec(command);
  if (match) {
    SHELL_BREAK.lastIndex = match.index + match[0].length;
    const end = SHELL_BREAK.exec(maskQuoted(command))?.index ?? command.trimEnd().length;
    return `${command.slice(0, end)} ${added}${command.slice(end)}`;
  }
  const plain = plainCommand(maskQuoted(command)) && command.trim();
  const manager = plain && PACKAGE_MANAGER.exec(programWords(plain).join(' '));
  if (!plain || !manager) return undefined;
  // npm passes on what follows `--`; yarn and pnpm pass on what follows the script's name.
  const separated = manager[1] !== 'npm' || /\s--(?=\s|$)/.test(plain);
  return `${plain}${separated ? '' : ' --'} ${added}`;
}

/** Quoted file arguments for the files that hold `tests` (a test's own id is its file when it did not load). */
export function fileArgs(tests: ReadonlyArray<{ file?: string; id: string }>): string[] {
  return [...new Set(tests.map((t) => t.file ?? t.id.split(' > ')[0]!))].map(shellQuote);
}

/** A name pattern matching the full names (ancestors and title, joined by spaces) of `names`. */
export function fullNamePattern(names: readonly string[]): string {
  const escaped = [...new Set(names)].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return `(?:^|\\s)(?:${escaped.join('|')})$`;
}

/** The command with each single-quoted argument blanked out (same length), so its text reads as no operator. */
function maskQuoted(command: string): string {
  return command.replace(/'[^']*'/g, (quoted) => `'${'_'.repeat(quoted.length - 2)}'`);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
