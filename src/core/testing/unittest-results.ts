/**
 * Reading a unittest run: the JSON report of our runner (python/self_repair_unittest.py), or, without
 * one, unittest's own console output (`FAIL: test_x (module.Class.test_x)` blocks, verbose `... ok`
 * lines, `Ran N tests`, `FAILED (failures=1, errors=2)`).
 */
import { stripAnsi } from './console-output';
import { projectPath, toFrame } from './frames';
import { emptyCounts, type StackFrame, type TestCaseResult, type TestCounts, type TestStatus } from './types';

interface RunnerRecord {
  id: string;
  module?: string;
  class?: string;
  method?: string;
  file?: string | null;
  line?: number;
  kind?: string;
  status: TestStatus;
  message?: string;
  details?: string;
  frames?: Array<{ file: string; line: number; name?: string }>;
  expected?: string;
  actual?: string;
  subtest?: string;
}

/** The runner's report as results, or undefined when it is not one. */
export function readUnittestReport(text: string, root: string): TestCaseResult[] | undefined {
  let records: RunnerRecord[];
  try {
    records = (JSON.parse(text) as { tests: RunnerRecord[] }).tests;
    if (!Array.isArray(records)) return undefined;
  } catch {
    return undefined;
  }
  return records.map((record) => fromRecord(record, root));
}

function fromRecord(record: RunnerRecord, root: string): TestCaseResult {
  const file = record.file ? projectPath(root, record.file) : undefined;
  const parts = [record.class, record.method].filter((part): part is string => !!part);
  // `tests/test_x.py::TestX::test_y`, as pytest would name it; a failed import is its file alone.
  const id = file ? [file, ...parts].join('::') : record.id;
  const result: TestCaseResult = {
    id,
    name: record.id,
    status: record.status,
    frames: (record.frames ?? []).map((f) => toFrame(root, f.file, f.line, undefined, f.name)),
  };
  if (file) result.file = file;
  const line = record.line ?? result.frames.find((f) => f.file === file)?.line;
  if (line !== undefined) result.line = line;
  if (record.message) {
    result.message = record.subtest ? `${record.message} ${record.subtest}` : record.message;
  }
  if (record.kind === 'import' && record.status === 'errored') {
    result.message = `could not import ${record.module ?? record.id}: ${record.message ?? 'import failed'}`;
  }
  if (record.details) result.details = record.details;
  if (record.expected !== undefined) result.expected = record.expected;
  if (record.actual !== undefined) result.actual = record.actual;
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Console output

/** `test_x (pkg.mod.Class.test_x)` (3.11+) or `test_x (pkg.mod.Class)` (older). */
const TEST_TITLE = /^(\w+) \(([\w.]+)\)/;
const BLOCK_HEADER = /^(FAIL|ERROR): (.+)$/;
const VERBOSE_LINE = /^(\w+ \([\w.]+\))(?:.*) \.\.\. (ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)$/;
const RAN = /^Ran (\d+) tests? in /;
const SUMMARY = /^(?:OK|FAILED)(?: \((.*)\))?$/;
const PYTHON_FRAME = /^\s*File "(.+)", line (\d+), in (\S+)$/;

export interface ConsoleResults {
  tests: TestCaseResult[];
  counts?: TestCounts;
}

export function parseUnittestConsole(output: string, root: string): ConsoleResults {
  const lines = stripAnsi(output).split(/\r?\n/);
  const tests = new Map<string, TestCaseResult>();
  for (const line of lines) {
    const verbose = VERBOSE_LINE.exec(line);
    if (!verbose) continue;
    const test = titled(verbose[1]!);
    if (test) tests.set(test.id, { ...test, status: verboseStatus(verbose[2]!) });
  }
  for (const block of failureBlocks(lines)) {
    const test = titled(block.title);
    if (!test) continue;
    const status: TestStatus = block.kind === 'FAIL' ? 'failed' : 'errored';
    tests.set(test.id, withFailure({ ...test, status }, block.body, root));
  }
  const counts = consoleCounts(lines);
  return counts ? { tests: [...tests.values()], counts } : { tests: [...tests.values()] };
}

function titled(title: string): Omit<TestCaseResult, 'status'> | undefined {
  const found = TEST_TITLE.exec(title);
  if (!found) return undefined;
  const [, method, dotted] = found;
  const id = dotted!.endsWith(`.${method!}`) ? dotted! : `${dotted!}.${method!}`;
  return { id, name: id, frames: [] };
}

function verboseStatus(word: string): TestStatus {
  if (word === 'ok' || word === 'expected failure') return 'passed';
  if (word === 'ERROR') return 'errored';
  return word.startsWith('skipped') ? 'skipped' : 'failed';
}

interface FailureBlock {
  kind: string;
  title: string;
  body: string[];
}

/** The `=====` / `FAIL: title` / `-----` / traceback blocks, up to the next rule. */
function failureBlocks(lines: readonly string[]): FailureBlock[] {
  const blocks: FailureBlock[] = [];
  let current: FailureBlock | undefined;
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i - 1]?.startsWith('=====') ? BLOCK_HEADER.exec(lines[i]!) : null;
    if (header) {
      current = { kind: header[1]!, title: header[2]!, body: [] };
      blocks.push(current);
      i++; // the dashed rule under the title
    } else if (/^(={20,}|-{20,})$/.test(lines[i]!)) {
      current = undefined;
    } else if (current) {
      current.body.push(lines[i]!);
    }
  }
  return blocks;
}

function withFailure(test: TestCaseResult, body: readonly string[], root: string): TestCaseResult {
  const frames: StackFrame[] = [];
  for (const line of body) {
    const found = PYTHON_FRAME.exec(line);
    if (found) frames.push(toFrame(root, found[1]!, Number(found[2]), undefined, found[3]));
  }
  const method = test.id.slice(test.id.lastIndexOf('.') + 1);
  const own = frames.find((f) => f.inProject && f.functionName === method);
  const message = [...body].reverse().find((line) => line.trim() && !/^\s/.test(line));
  const result: TestCaseResult = { ...test, frames, details: body.join('\n').trim() };
  if (message) result.message = message.trim();
  if (own) {
    result.file = own.file;
    result.line = own.line;
  }
  const mismatch = /^AssertionError: (.*?) != (.*?)(?: : .*)?$/.exec(message?.trim() ?? '');
  if (mismatch) {
    result.actual = mismatch[1]!;
    result.expected = mismatch[2]!;
  }
  return result;
}

function consoleCounts(lines: readonly string[]): TestCounts | undefined {
  const ran = lines.map((line) => RAN.exec(line)).find((m) => m !== null);
  const summary = [...lines]
    .reverse()
    .map((line) => SUMMARY.exec(line.trim()))
    .find((m) => m !== null);
  if (!ran || !summary) return undefined;
  const counts = emptyCounts();
  for (const [, word, n] of (summary[1] ?? '').matchAll(/(\w+)=(\d+)/g)) {
    if (word === 'failures' || word === 'unexpected_successes') counts.failed += Number(n);
    else if (word === 'errors') counts.errored += Number(n);
    else if (word === 'skipped') counts.skipped += Number(n);
  }
  counts.passed = Math.max(0, Number(ran[1]) - counts.failed - counts.errored - counts.skipped);
  return counts;
}
