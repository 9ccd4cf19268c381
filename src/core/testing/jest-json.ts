import { inspect } from 'node:util';
import { trimText } from '../text';
import { stripAnsi } from './console-output';
import { projectPath, toFrame } from './frames';
import type { StackFrame, TestCaseResult, TestStatus } from './types';

/*
 * The JSON report jest writes with `--json --outputFile` and vitest's `json` reporter, which copies
 * jest's shape: one entry per test file, each with its tests' results. A file that could not load has
 * no tests and a message saying why.
 */

interface JsonAssertion {
  ancestorTitles?: string[];
  title?: string;
  status?: string;
  duration?: number | null;
  failureMessages?: string[];
  /** jest only: the thrown values; an `expect` failure carries its matcher's expected and actual values. */
  failureDetails?: Array<{ matcherResult?: { expected?: unknown; actual?: unknown } } | null>;
  location?: { line?: number; column?: number } | null;
}

interface JsonFileResult {
  name?: string;
  status?: string;
  message?: string;
  assertionResults?: JsonAssertion[];
}

/** Undefined when the text is not such a report (a run cut short), so the caller can say so. */
export function parseJestJson(json: string, root: string): TestCaseResult[] | undefined {
  let document: { testResults?: JsonFileResult[] };
  try {
    document = JSON.parse(json) as typeof document;
  } catch {
    return undefined;
  }
  if (!Array.isArray(document?.testResults)) return undefined;
  const results: TestCaseResult[] = [];
  for (const fileResult of document.testResults) {
    const file = fileResult.name ? (projectPath(root, fileResult.name) ?? fileResult.name) : '(unknown file)';
    const tests = (fileResult.assertionResults ?? []).map((assertion) => testResult(assertion, file, root));
    results.push(...tests);
    // A file fails on its own when it did not load, or when a hook outside any test threw.
    const message = stripAnsi(fileResult.message ?? '').trim();
    if (fileResult.status === 'failed' && message && !tests.some((t) => t.status === 'failed')) {
      results.push(fileFailure(file, message, root));
    }
  }
  return results;
}

function statusOf(status: string | undefined): TestStatus {
  if (status === 'passed') return 'passed';
  return status === 'failed' ? 'failed' : 'skipped';
}

function testResult(assertion: JsonAssertion, file: string, root: string): TestCaseResult {
  const name = assertion.title ?? '';
  const ancestors = assertion.ancestorTitles ?? [];
  const result: TestCaseResult = {
    id: [file, ...ancestors, name].join(' > '),
    name,
    file,
    status: statusOf(assertion.status),
    frames: [],
  };
  if (assertion.location?.line) result.line = assertion.location.line;
  if (typeof assertion.duration === 'number') result.durationMs = Math.round(assertion.duration);
  const failure = stripAnsi(assertion.failureMessages?.join('\n\n') ?? '').trim();
  if (result.status !== 'failed' || !failure) return result;
  result.message = firstLines(failure);
  result.details = trimText(withoutVendorFrames(failure));
  result.frames = locatedFrames(failure, root);
  const matcher = assertion.failureDetails?.find((detail) => detail?.matcherResult)?.matcherResult;
  const values =
    matcher && 'expected' in matcher
      ? { expected: show(matcher.expected), actual: show(matcher.actual) }
      : chaiValues(result.message);
  if (values) {
    result.expected = values.expected;
    result.actual = values.actual;
  }
  return result;
}

/** A test file that failed as a whole: an errored test named after the file, so the model sees why. */
function fileFailure(file: string, message: string, root: string): TestCaseResult {
  const text = message
    .split('\n')
    .filter((line) => !/^\s*●\s*Test suite failed to run\s*$/.test(line))
    .join('\n')
    .trim();
  return {
    id: file,
    name: file,
    file,
    status: 'errored',
    // jest leads a parse error with its own advice; the SyntaxError further down says what is wrong.
    message:
      /^\s*(SyntaxError: .*)$/m.exec(text)?.[1] ?? (firstLines(text) || 'the test file failed before its tests ran'),
    details: trimText(text),
    frames: locatedFrames(text, root),
  };
}

/**
 * The first line of a failure, with the next one when the first only introduces it (ends with `:`)
 * and is not the start of a diff (`+ actual - expected`).
 */
export function firstLines(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const first = lines[0] ?? '';
  if (!first.endsWith(':')) return first;
  const next = lines[1];
  return next && !/^[+-]/.test(next) ? `${first} ${next}` : first.slice(0, -1);
}

/** vitest's chai messages name both values: `expected 1 to be 5 // Object.is equality`. */
function chaiValues(message: string): { expected: string; actual: string } | undefined {
  const match = /expected (.+) to (?:be|equal|deeply equal|strictly equal|eql) (.+?)(?: \/\/ .*)?$/.exec(message);
  return match ? { actual: match[1]!, expected: match[2]! } : undefined;
}

/** As node's assertions show a value, so that every framework's expected and actual read alike. */
function show(value: unknown): string {
  return inspect(value, { depth: 6, breakLength: 100, maxArrayLength: 50, maxStringLength: 2000 });
}

/**
 * Stack lines and `path:line[:column]` locations, absolute or relative to the project (jest prints a
 * file that failed to load with relative paths; vitest marks frames with ❯).
 */
const LOCATED =
  /^\s*(?:at\s+|❯\s+)?(?:async\s+)?(?:(.+?)\s+\()?((?:file:\/\/)?[^\s():]*\.[cm]?[jt]sx?):(\d+)(?::(\d+))?\)?\s*$/;

export function locatedFrames(text: string, root: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of text.split('\n')) {
    const found = LOCATED.exec(line);
    if (!found) continue;
    const column = found[4] === undefined ? undefined : Number(found[4]);
    // A relative path is relative to the project, where the runner ran.
    frames.push(toFrame(root, found[2]!, Number(found[3]), column, found[1]));
  }
  return frames;
}

/** Frames inside the runner's own packages tell the model nothing and cost tokens. */
function withoutVendorFrames(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*(?:at\s|❯\s).*(?:node_modules[\\/]|node:internal|\(<anonymous>\))/.test(line))
    .join('\n');
}
