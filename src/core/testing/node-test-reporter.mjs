// @ts-check
/*
 * A node --test reporter that writes node's own test events as JSON lines (the records read by
 * node-test-records.ts). Node 20's junit reporter gives no file or line for a test and only the
 * util.inspect text of an assertion's operands; the events carry both, for passing tests too, so test ids
 * can include their file.
 *
 * It runs inside the user's test process, not in ours, handed to node as a data: URL (see `reporterUrl`
 * in node-test.ts), so it imports nothing but node's own modules. Plain JavaScript, so the engine can read
 * this very file when it runs from source; tsc checks it through the JSDoc types below, and esbuild
 * puts it beside the bundles (dist/node-test-reporter.mjs).
 */
import { inspect } from 'node:util';

/** @typedef {import('node:test/reporters').TestEvent} TestEvent */
/** @typedef {import('./node-test-records').NodeRecord} NodeRecord */
/** @typedef {import('./node-test-records').NodeError} NodeError */
/**
 * What node reports as a test's error: its own wrapper, holding what the test threw as `cause`.
 * @typedef {{ failureType?: string, message?: string, cause?: unknown }} TestFailure
 */
/**
 * The fields read off what a test threw (an assertion error has them all).
 * @typedef {{ message?: unknown, name?: string, code?: string, stack?: unknown, operator?: string, actual?: unknown, expected?: unknown }} Thrown
 */

/** Output of one test file's stderr kept at most, so a chatty file cannot fill the report. */
const MAX_STDERR = 8192;

/** @param {unknown} value */
const show = (value) => inspect(value, { depth: 6, breakLength: 100, maxArrayLength: 50, maxStringLength: 2000 });

/**
 * @param {TestFailure | undefined} error
 * @returns {NodeError | undefined}
 */
function describeError(error) {
  if (!error) return undefined;
  const cause = error.cause;
  /** @type {Thrown | undefined} */
  const own = cause && typeof cause === 'object' ? cause : undefined;
  /** @type {NodeError} */
  const described = {
    failureType: error.failureType,
    message: String(own ? own.message : (cause ?? error.message ?? '')),
    name: own?.name,
    code: own?.code,
    stack: typeof own?.stack === 'string' ? own.stack : undefined,
  };
  if (own && own.code === 'ERR_ASSERTION' && 'expected' in own) {
    described.operator = own.operator;
    described.actual = show(own.actual);
    described.expected = show(own.expected);
  }
  return described;
}

/** @param {NodeRecord} record */
const line = (record) => `${JSON.stringify(record)}\n`;

/**
 * @param {AsyncIterable<TestEvent>} source
 * @returns {AsyncGenerator<string, void>}
 */
export default async function* selfRepairReporter(source) {
  /** @type {Map<string, number>} characters of stderr written so far, by file */
  const stderrSeen = new Map();
  for await (const event of source) {
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      const { data } = event;
      yield line({
        event: event.type === 'test:pass' ? 'pass' : 'fail',
        name: data.name,
        nesting: data.nesting,
        file: data.file,
        line: data.line,
        column: data.column,
        type: data.details?.type,
        skip: data.skip,
        todo: data.todo,
        durationMs: data.details?.duration_ms,
        error: event.type === 'test:fail' ? describeError(event.data.details?.error) : undefined,
      });
    } else if (event.type === 'test:stderr' && event.data.file) {
      const { file, message } = event.data;
      const seen = stderrSeen.get(file) ?? 0;
      if (seen < MAX_STDERR) {
        stderrSeen.set(file, seen + message.length);
        yield line({ event: 'stderr', file, text: message.slice(0, MAX_STDERR - seen) });
      }
    }
  }
}
