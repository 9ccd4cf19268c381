import path from 'node:path';
import { readTextIfExists } from './files';
import { isJsTestFile, selectJsTests } from './jest';
import { parseJestJson } from './jest-json';
import { reportFrom } from './js-report';
import { defaultRunnerCommand, runnerPattern, usesRunner, withRunnerArgs, type JsRunner } from './js-runner';
import { shellQuote } from './shell';
import type { FrameworkAdapter, PreparedCommand } from './types';

const REPORT_FILE = 'vitest.json';
const VITEST: JsRunner = {
  word: 'vitest',
  packageName: 'vitest',
  configFiles: [
    'vitest.config.ts',
    'vitest.config.js',
    'vitest.config.mts',
    'vitest.config.mjs',
    'vitest.workspace.ts',
  ],
  defaultArgs: 'run',
};
const VITEST_WORD = runnerPattern('vitest');
const VITE_CONFIGS = ['vite.config.ts', 'vite.config.js', 'vite.config.mts', 'vite.config.mjs'];

export const vitestAdapter: FrameworkAdapter = {
  id: 'vitest',
  label: 'vitest',

  detect: (root) => usesRunner(root, 'vitest', VITEST),
  /** Also a Vite config with a `test` section: vitest reads its settings from there. */
  async configuredIn(dir) {
    if (await usesRunner(dir, 'vitest', VITEST)) return true;
    const texts = await Promise.all(VITE_CONFIGS.map((name) => readTextIfExists(path.join(dir, name))));
    return texts.some((text) => text !== undefined && /\bvitest\b|\btest\s*:/.test(text));
  },
  defaultCommand: (root) => defaultRunnerCommand(root, VITEST),
  matchesCommand: (command) => VITEST_WORD.test(command),

  prepare(command, reportDir): PreparedCommand {
    const reportPath = path.join(reportDir, REPORT_FILE);
    // Reporters named on the command line replace the configured ones: the user's own stays when they
    // named one, else `default` keeps the console readable.
    const flags = /(?:^|\s)--reporter\b/.test(command) ? [] : ['--reporter=default'];
    flags.push('--reporter=json', `--outputFile.json=${shellQuote(reportPath)}`, '--includeTaskLocation');
    // Outside a terminal vitest runs once anyway; said outright, so that it can never sit watching.
    if (!/(?:^|\s)(?:run|--run|--watch|watch)(?=\s|$)/.test(command)) flags.push('--run');
    const prepared = withRunnerArgs(command, VITEST_WORD, flags);
    // Colours would reach the model as escape codes.
    return prepared ? { command: prepared, env: { NO_COLOR: '1' }, reportPath } : { command };
  },

  parse: (input) => reportFrom('vitest', input, parseJestJson),

  selectTests: (command, tests, scope) => selectJsTests(command, tests, scope, VITEST_WORD),

  isTestFile: isJsTestFile,
};
