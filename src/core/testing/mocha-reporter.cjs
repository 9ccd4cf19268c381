// @ts-check
/*
 * A mocha reporter that prints mocha's own `spec` output for the user and writes every test's outcome
 * as JSON lines to the file named by `--reporter-option output=<file>` (the records read by
 * mocha-records.ts). Mocha's json reporter has neither: it prints nothing to stdout and gives a test's
 * title path only joined by spaces.
 *
 * It runs inside the user's test process, loaded by mocha from the run's report folder (see
 * `mochaAdapter.prepare`), so it requires nothing but node's modules and the mocha that loaded it.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { inspect } = require('node:util');

/** @param {unknown} value */
const show = (value) => inspect(value, { depth: 6, breakLength: 100, maxArrayLength: 50, maxStringLength: 2000 });

/** The mocha that is running this reporter: the one beside the `mocha` command, else the project's. */
function runningMocha() {
  const paths = [path.dirname(process.argv[1] ?? ''), process.cwd()];
  return require(require.resolve('mocha', { paths }));
}

/**
 * @typedef {{ title: string, file?: string, titlePath(): string[], duration?: number, type?: string,
 *   pending?: boolean, parent?: { title: string, file?: string, titlePath(): string[] } }} Runnable
 * @typedef {{ message?: unknown, name?: string, code?: string, stack?: unknown, actual?: unknown,
 *   expected?: unknown, showDiff?: boolean, operator?: string }} Thrown
 */

/**
 * @param {Thrown | undefined} error
 */
function describeError(error) {
  if (!error || typeof error !== 'object') return { message: String(error) };
  /** @type {Record<string, unknown>} */
  const described = {
    message: String(error.message ?? ''),
    name: error.name,
    code: error.code,
    stack: typeof error.stack === 'string' ? error.stack : undefined,
  };
  if ('expected' in error && 'actual' in error && error.showDiff !== false) {
    described.expected = show(error.expected);
    described.actual = show(error.actual);
  }
  return described;
}

/**
 * @param {Runnable} runnable
 * @param {string} event
 * @param {Thrown} [error]
 */
function record(runnable, event, error) {
  const hook = runnable.type === 'hook';
  return {
    event,
    hook,
    titlePath: runnable.titlePath(),
    file: runnable.file ?? runnable.parent?.file,
    durationMs: runnable.duration,
    error: error === undefined ? undefined : describeError(error),
  };
}

/**
 * @param {import('node:events').EventEmitter} runner
 * @param {{ reporterOption?: Record<string, unknown>, reporterOptions?: Record<string, unknown> }} options
 */
function SelfRepairReporter(runner, options) {
  const mocha = runningMocha();
  new mocha.reporters.Spec(runner, options);
  const output = (options.reporterOption ?? options.reporterOptions ?? {}).output;
  /** @type {string[]} */
  const lines = [];
  /** @param {object} entry */
  const add = (entry) => lines.push(JSON.stringify(entry));
  runner.on('pass', (/** @type {Runnable} */ test) => add(record(test, 'pass')));
  runner.on('pending', (/** @type {Runnable} */ test) => add(record(test, 'pending')));
  runner.on('fail', (/** @type {Runnable} */ test, /** @type {Thrown} */ error) => add(record(test, 'fail', error)));
  // Written as the run ends, and once more on the way out, so a run stopped by `--bail` or a crash
  // still leaves what it saw.
  const write = () => {
    if (typeof output === 'string') fs.writeFileSync(output, lines.map((line) => `${line}\n`).join(''));
  };
  runner.once('end', write);
  process.once('exit', write);
}

module.exports = SelfRepairReporter;
