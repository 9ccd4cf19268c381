import path from 'node:path';
import { parseJestJson } from './jest-json';
import {
  defaultRunnerCommand,
  fileArgs,
  fullNamePattern,
  runnerPattern,
  usesRunner,
  withRunnerArgs,
  type JsRunner,
} from './js-runner';
import { plainCommand } from './select';
import { shellQuote } from './shell';
import { reportFrom } from './js-report';
import type { FrameworkAdapter, PreparedCommand, TestCaseResult } from './types';

const REPORT_FILE = 'jest.json';
const JEST: JsRunner = {
  word: 'jest',
  packageName: 'jest',
  configFiles: ['jest.config.js', 'jest.config.ts', 'jest.config.mjs', 'jest.config.cjs', 'jest.config.json'],
  defaultArgs: '',
};
const JEST_WORD = runnerPattern('jest');
const JS_EXTENSION = /\.[cm]?[jt]sx?$/;
const TEST_NAME = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

export const jestAdapter: FrameworkAdapter = {
  id: 'jest',
  label: 'jest',

  detect: (root) => usesRunner(root, 'jest', JEST),
  configuredIn: (dir) => usesRunner(dir, 'jest', JEST),
  defaultCommand: (root) => defaultRunnerCommand(root, JEST),
  matchesCommand: (command) => JEST_WORD.test(command),

  prepare(command, reportDir): PreparedCommand {
    // The user's own --json report would be the one jest writes; theirs stands and we read the console.
    if (/(?:^|\s)--(?:json|outputFile)\b/.test(command)) return { command };
    const reportPath = path.join(reportDir, REPORT_FILE);
    const flags = ['--json', `--outputFile=${shellQuote(reportPath)}`, '--testLocationInResults'];
    const prepared = withRunnerArgs(command, JEST_WORD, flags);
    return prepared ? { command: prepared, reportPath } : { command };
  },

  parse: (input) => reportFrom('jest', input, parseJestJson),

  selectTests: (command, tests, scope) => selectJsTests(command, tests, scope, JEST_WORD),

  isTestFile: isJsTestFile,
};

/** `*.test.js`, `*.spec.ts`, anything under `__tests__/`: where jest and vitest look by default. */
export function isJsTestFile(relPath: string): boolean {
  const posix = relPath.split(path.sep).join('/');
  return JS_EXTENSION.test(posix) && (TEST_NAME.test(posix) || /(^|\/)__tests__\//.test(posix));
}

/**
 * jest and vitest take test files as arguments and a name pattern (`-t`) matched against a test's
 * full name: its ancestors' titles and its own, joined by spaces.
 */
export function selectJsTests(
  command: string,
  tests: readonly TestCaseResult[],
  scope: 'tests' | 'files',
  word: RegExp,
): string | undefined {
  if (!plainCommand(command) || !tests.length) return undefined;
  const args = fileArgs(tests);
  // A file that did not load has no test names to match.
  if (scope === 'tests' && tests.every((t) => t.id !== t.file)) {
    const names = tests.map((t) => t.id.split(' > ').slice(1).join(' '));
    args.push('-t', shellQuote(fullNamePattern(names)));
  }
  return withRunnerArgs(command, word, args);
}
