import path from 'node:path';
import { trimText } from '../text';
import { projectPath, toFrame } from './frames';
import type { StackFrame, TestCaseResult, TestStatus } from './types';

/*
 * node --test's results, as the records our reporter writes (node-test-reporter.mjs) or as read off the
 * console (node-test-console.ts), turned into test results.
 */

export interface NodeError {
  failureType?: string;
  name?: string;
  message: string;
  code?: string;
  stack?: string;
  operator?: string;
  expected?: string;
  actual?: string;
}

/** One test:pass / test:fail event (or a line of a test file's stderr), as our reporter writes it. */
export interface NodeRecord {
  event: 'pass' | 'fail' | 'stderr';
  name?: string;
  nesting?: number;
  file?: string;
  line?: number;
  column?: number;
  type?: string;
  skip?: boolean | string;
  todo?: boolean | string;
  durationMs?: number;
  error?: NodeError;
  /** stderr only. */
  text?: string;
}

/** The records of a report file, one JSON object a line. */
export function readRecords(report: string): NodeRecord[] {
  const records: NodeRecord[] = [];
  for (const line of report.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as NodeRecord);
    } catch {
      // A line cut short by a killed run: keep what came before it.
    }
  }
  return records;
}

interface TreeNode {
  record: NodeRecord;
  children: TreeNode[];
}

/**
 * Node reports a test after all of its subtests, with its depth as `nesting`, so the tree is rebuilt
 * bottom-up: when a test at depth n is reported, everything waiting at depth n + 1 of its file is its.
 */
function buildTrees(records: NodeRecord[], byFile: boolean): TreeNode[] {
  const levelsByFile = new Map<string, TreeNode[][]>();
  for (const record of records) {
    if (record.event === 'stderr') continue;
    const key = byFile ? (record.file ?? '') : '';
    const levels = levelsByFile.get(key) ?? [];
    levelsByFile.set(key, levels);
    const depth = record.nesting ?? 0;
    const node: TreeNode = { record, children: levels[depth + 1] ?? [] };
    levels[depth + 1] = [];
    (levels[depth] ??= []).push(node);
  }
  // Tests whose parent never reported (a killed run) still count, without their missing ancestors.
  return [...levelsByFile.values()].flatMap((levels) => levels.flat());
}

/**
 * Results from reporter events (`fromReporter`: every test has its file, ids include it) or from events
 * read off the console (only failures have a file, so ids leave it out to stay the same pass or fail).
 */
export function resultsFromRecords(records: NodeRecord[], root: string, fromReporter: boolean): TestCaseResult[] {
  const stderrByFile = new Map<string, string>();
  for (const record of records) {
    if (record.event === 'stderr' && record.file) {
      stderrByFile.set(record.file, (stderrByFile.get(record.file) ?? '') + (record.text ?? ''));
    }
  }
  const testFiles = new Set(records.filter((r) => r.event !== 'stderr' && !isFileLevel(r)).map((r) => r.file));
  const results: TestCaseResult[] = [];
  const seenIds = new Map<string, number>();
  const add = (result: TestCaseResult) => {
    const count = (seenIds.get(result.id) ?? 0) + 1;
    seenIds.set(result.id, count);
    if (count > 1) result.id = `${result.id} (${count})`;
    results.push(result);
  };
  const visit = (node: TreeNode, ancestors: string[]) => {
    const { record } = node;
    const ownFailure =
      record.event === 'fail' && record.error !== undefined && record.error.failureType !== 'subtestsFailed';
    if (isFileLevel(record)) {
      // Node adds a pseudo-test per file; it matters only when the file's tests could not run or report.
      if (ownFailure || !testFiles.has(record.file)) add(fileResult(record, root, stderrByFile.get(record.file!)));
      return;
    }
    if (node.children.length || record.type === 'suite') {
      for (const child of node.children) visit(child, [...ancestors, record.name ?? '']);
      // A suite or parent test fails on its own when a hook throws: not a test failing, a test not running.
      if (ownFailure) add({ ...testResult(record, ancestors, root, fromReporter), status: 'errored' });
      return;
    }
    add(testResult(record, ancestors, root, fromReporter));
  };
  for (const tree of buildTrees(records, fromReporter)) visit(tree, []);
  return results;
}

function isFileLevel(record: NodeRecord): boolean {
  return (
    record.event !== 'stderr' &&
    (record.nesting ?? 0) === 0 &&
    record.file !== undefined &&
    record.name !== undefined &&
    path.resolve(record.file) === path.resolve(record.name)
  );
}

function statusOf(record: NodeRecord): TestStatus {
  if (record.skip || record.todo) return 'skipped';
  if (record.event === 'pass') return 'passed';
  const failureType = record.error?.failureType;
  return !failureType || failureType === 'testCodeFailure' || failureType === 'testTimeoutFailure'
    ? 'failed'
    : 'errored';
}

function testResult(record: NodeRecord, ancestors: string[], root: string, idWithFile: boolean): TestCaseResult {
  const name = record.name ?? '';
  const file = record.file ? (projectPath(root, record.file) ?? record.file) : undefined;
  const idParts = [...(idWithFile && file ? [file] : []), ...ancestors, name];
  const result: TestCaseResult = { id: idParts.join(' > '), name, status: statusOf(record), frames: [] };
  if (file) result.file = file;
  if (record.line !== undefined) result.line = record.line;
  if (record.durationMs !== undefined) result.durationMs = Math.round(record.durationMs);
  const error = record.error;
  if (result.status === 'skipped') {
    const reason =
      typeof record.skip === 'string' ? record.skip : typeof record.todo === 'string' ? record.todo : undefined;
    if (reason) result.message = reason;
  } else if (error && record.event === 'fail') {
    result.message = shortMessage(error);
    result.details = trimText(error.stack ?? error.message);
    result.frames = jsFrames(error.stack ?? '', root);
    if (error.expected !== undefined) result.expected = error.expected;
    if (error.actual !== undefined) result.actual = error.actual;
    if (!result.file) {
      const testFrame = result.frames.find((frame) => frame.inProject);
      if (testFrame) {
        result.file = testFrame.file;
        result.line = testFrame.line;
      }
    }
  }
  return result;
}

/** A test file that failed as a whole (it did not load, or crashed outside any test): its stderr says why. */
function fileResult(record: NodeRecord, root: string, stderr: string | undefined): TestCaseResult {
  const file = projectPath(root, record.file!) ?? record.file!;
  const result: TestCaseResult = { id: file, name: file, file, status: 'errored', frames: [] };
  if (record.event === 'pass') result.status = 'passed';
  if (record.durationMs !== undefined) result.durationMs = Math.round(record.durationMs);
  if (record.event === 'fail') {
    const text = stderr?.trim() || record.error?.stack || record.error?.message || '';
    result.message = errorLine(text) ?? (record.error ? shortMessage(record.error) : 'test file failed');
    if (text) result.details = trimText(text);
    result.frames = jsFrames(text, root);
  }
  return result;
}

/** The first line of an error as printed, e.g. `SyntaxError: Unexpected end of input`. */
export function errorLine(text: string): string | undefined {
  return /^(?:[A-Za-z_$][\w$]*)?(?:Error|Exception)\b.*$/m.exec(text)?.[0]?.trim();
}

/** `AssertionError: Expected values to be strictly equal: 7 !== 11`, not just its first line. */
function shortMessage(error: NodeError): string {
  const lines = error.message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  let text = lines[0] ?? '';
  if (text.endsWith(':')) {
    const next = lines[1];
    text = next && !/^[+-]/.test(next) ? `${text} ${next}` : text.slice(0, -1);
  }
  return error.name ? `${error.name}: ${text}` : text;
}

const JS_FRAME =
  /^\s*(?:at\s+)?(?:async\s+)?(?:(.+?)\s+\()?((?:file:\/\/|node:|\/|[A-Za-z]:[\\/])[^()]*?):(\d+):(\d+)\)?\s*$/;
/** The `path:line` header node prints above a SyntaxError. */
const JS_LOCATION = /^((?:file:\/\/|\/|[A-Za-z]:[\\/])\S*?\.[cm]?[jt]sx?):(\d+)$/;

/** Frames of a V8 stack (innermost first), with or without the `at` that TAP drops. */
export function jsFrames(stack: string, root: string): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const line of stack.split(/\r?\n/)) {
    const frame = JS_FRAME.exec(line);
    if (frame) {
      frames.push(toFrame(root, frame[2]!, Number(frame[3]), Number(frame[4]), frame[1]));
      continue;
    }
    const location = JS_LOCATION.exec(line.trim());
    if (location) frames.push(toFrame(root, location[1]!, Number(location[2])));
  }
  return frames;
}
