import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reportFrom } from './js-report';
import {
  defaultRunnerCommand,
  fullNamePattern,
  runnerPattern,
  usesRunner,
  withRunnerArgs,
  type JsRunner,
} from './js-runner';
import { mochaLoadFailure, parseMochaRecords } from './mocha-records';
import { plainCommand } from './select';
import { shellQuote } from './shell';
import type { FrameworkAdapter, PreparedCommand } from './types';

const REPORT_FILE = 'mocha.jsonl';
/** The reporter file: beside this module in the source tree, beside the bundle in dist/ (see esbuild.mjs). */
const REPORTER_FILE = 'mocha-reporter.cjs';
const MOCHA: JsRunner = {
  word: 'mocha',
  packageName: 'mocha',
  configFiles: ['.mocharc.json', '.mocharc.jsonc', '.mocharc.js', '.mocharc.cjs', '.mocharc.yml', '.mocharc.yaml'],
  defaultArgs: '',
};
const MOCHA_WORD = runnerPattern('_?mocha');
const JS_EXTENSION = /\.[cm]?[jt]sx?$/;
const TEST_NAME = /\.(?:test|spec)\.[cm]?[jt]sx?$/;

let reporterSource: string | undefined;

/**
 * Our reporter's source. The engine runs as a CommonJS bundle or, under tsx, from source; both have
 * `__dirname`, and in both the reporter lies in that same folder.
 */
function mochaReporterSource(): string {
  if (reporterSource !== undefined) return reporterSource;
  const file = path.join(__dirname, REPORTER_FILE);
  try {
    reporterSource = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`the mocha reporter ${file} is missing; rebuild with \`npm run build\``);
  }
  return reporterSource;
}

export const mochaAdapter: FrameworkAdapter = {
  id: 'mocha',
  label: 'mocha',

  detect: (root) => usesRunner(root, 'mocha', MOCHA),
  configuredIn: (dir) => usesRunner(dir, 'mocha', MOCHA),
  defaultCommand: (root) => defaultRunnerCommand(root, MOCHA),
  matchesCommand: (command) => MOCHA_WORD.test(command),

  prepare(command, reportDir): PreparedCommand {
    // The reporter goes into the run's report folder, which the test process can read whatever its
    // sandbox hides; mocha takes the last --reporter given, so ours replaces one in the user's config.
    const reporterPath = path.join(reportDir, REPORTER_FILE);
    const reportPath = path.join(reportDir, REPORT_FILE);
    const flags = ['--reporter', shellQuote(reporterPath), '--reporter-option', shellQuote(`output=${reportPath}`)];
    // Without --exit mocha waits for whatever the tests left running (a timer, a socket): a run whose
    // tests have all finished would sit until the time limit kills it.
    if (!/(?:^|\s)--(?:no-)?exit\b/.test(command)) flags.push('--exit');
    const prepared = withRunnerArgs(command, MOCHA_WORD, flags);
    if (!prepared) return { command };
    writeFileSync(reporterPath, mochaReporterSource());
    return { command: prepared, reportPath };
  },

  parse: (input) =>
    reportFrom('mocha', input, parseMochaRecords, (output, root) =>
      mochaLoadFailure(output, root, (file) => mochaAdapter.isTestFile(file)),
    ),

  /** mocha's --grep matches a test's full title: its suites' titles and its own, joined by spaces. */
  selectTests(command, tests, scope) {
    if (!plainCommand(command) || !tests.length || scope === 'files') return undefined;
    if (tests.some((t) => t.id === t.file)) return undefined;
    const names = tests.map((t) => t.id.split(' > ').slice(1).join(' '));
    return withRunnerArgs(command, MOCHA_WORD, ['--grep', shellQuote(fullNamePattern(names))]);
  },

  isTestFile(relPath) {
    const posix = relPath.split(path.sep).join('/');
    if (!JS_EXTENSION.test(posix)) return false;
    return TEST_NAME.test(posix) || /(^|\/)(test|__tests__)\//.test(posix);
  },
};
