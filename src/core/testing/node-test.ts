import path from 'node:path';
import type { FrameworkAdapter, PreparedCommand } from './adapter';
import { capText, hasAnyFile, projectPath, readPackageJson, toFrame } from './common';
import { parseNodeConsole } from './node-test-console';
import { countTests, type StackFrame, type TestCaseResult, type TestReport, type TestStatus } from './types';

const REPORT_FILE = 'node-test.jsonl';
/** `node --test`, `node --experimental-x --test test/`, `npx node --test`: node with the --test flag. */
const NODE_TEST = /(?:^|[\s;&|/'"(])node(?:\.exe)?\s(?:[^;&|]*\s)?--test(?=$|[\s;&|)'"])/;
const NPM_PLACEHOLDER = /no test specified/;
const JS_EXTENSION = /\.[cm]?[jt]sx?$/;
const TEST_NAME = /^(?:.*[.\-_])?(?:test|spec)\.[cm]?[jt]sx?$|^test-.*\.[cm]?[jt]sx?$/;

/**
 * A reporter that writes node's own test events as JSON lines. Node 20's junit reporter gives no file
 * or line for a test and only the util.inspect text of an assertion's operands; the events carry both,
 * for passing tests too, so test ids can include their file. Passed as a data: URL so nothing has to be
 * written next to the user's project, and in NODE_OPTIONS so that `npm test` and scripts with test
 * paths (where appended flags would be read as file names) get it as well.
 */
const REPORTER_SOURCE = `
import { inspect } from 'node:util';
const show = (value) => inspect(value, { depth: 6, breakLength: 100, maxArrayLength: 50, maxStringLength: 2000 });
const MAX_STDERR = 8192;
function describeError(error) {
  if (!error) return undefined;
  const cause = error.cause;
  const own = cause && typeof cause === 'object' ? cause : undefined;
  const described = {
    failureType: error.failureType,
    message: String(own ? own.message : cause ?? error.message ?? ''),
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
export default async function* selfRepairReporter(source) {
  const stderrSeen = new Map();
  for await (const { type, data } of source) {
    if (type === 'test:pass' || type === 'test:fail') {
      yield JSON.stringify({
        event: type === 'test:pass' ? 'pass' : 'fail',
        name: data.name, nesting: data.nesting, file: data.file, line: data.line, column: data.column,
        type: data.details?.type, skip: data.skip, todo: data.todo, durationMs: data.details?.duration_ms,
        error: describeError(data.details?.error),
      }) + '\\n';
    } else if (type === 'test:stderr' && data.file) {
      const seen = stderrSeen.get(data.file) ?? 0;
      if (seen < MAX_STDERR) {
        stderrSeen.set(data.file, seen + data.message.length);
        yield JSON.stringify({ event: 'stderr', file: data.file, text: data.message.slice(0, MAX_STDERR - seen) }) + '\\n';
      }
    }
  }
}
`;
const REPORTER_URL = `data:text/javascript,${encodeURIComponent(REPORTER_SOURCE)}`;

export const nodeTestAdapter: FrameworkAdapter = {
  id: 'node-test',
  label: 'node --test',

  async detect(root) {
    const script = (await readPackageJson(root))?.scripts?.test;
    if (typeof script === 'string' && !NPM_PLACEHOLDER.test(script)) return NODE_TEST.test(script);
    for (const dir of ['.', 'test', 'tests', 'src']) {
      if (await hasAnyFile(path.join(root, dir), (name) => TEST_NAME.test(name))) return true;
    }
    return hasAnyFile(path.join(root, 'test'), (name) => JS_EXTENSION.test(name));
  },

  async defaultCommand(root) {
    const script = (await readPackageJson(root))?.scripts?.test;
    if (typeof script !== 'string' || !NODE_TEST.test(script)) return 'node --test';
    // The script itself when it is one plain command: npm adds nothing but noise and a dependency.
    return /^node\s[^;&|<>`$]*$/.test(script.trim()) ? script.trim() : 'npm test';
  },

  matchesCommand: (command) => NODE_TEST.test(command),

  prepare(command, reportDir): PreparedCommand {
    const ownReporter = /--test-reporter(?!-destination)/.test(command);
    const ownDestination = /--test-reporter-destination/.test(command);
    // Node wants as many destinations as reporters; a lone user reporter would make ours fail the run.
    if (ownReporter && !ownDestination) return { command };
    const reportPath = path.join(reportDir, REPORT_FILE);
    const options = [`--test-reporter=${REPORTER_URL}`, `--test-reporter-destination=${reportPath}`];
    if (!ownReporter) options.push('--test-reporter=spec', '--test-reporter-destination=stdout');
    return { command, env: { NODE_OPTIONS: options.map(nodeOptionQuote).join(' ') }, reportPath };
  },

  parse(input) {
    const records = input.report ? readRecords(input.report) : [];
    const tests = records.length
      ? resultsFromRecords(records, input.projectRoot, true)
      : resultsFromRecords(parseNodeConsole(input.output), input.projectRoot, false);
    const report: TestReport = {
      framework: 'node-test',
      tests,
      counts: countTests(tests),
      exitCode: input.exitCode,
      timedOut: input.timedOut,
      output: input.output,
      durationMs: input.durationMs,
    };
    const loadErrors = tests.filter((t) => t.id === t.file && t.status === 'errored');
    if (loadErrors.length && loadErrors.length === tests.length) {
      const first = loadErrors[0]!;
      report.runError = `could not load ${first.file}: ${first.message ?? 'the test file failed before any test ran'}`;
    }
    return report;
  },

  isTestFile(relPath) {
    const posix = relPath.split(path.sep).join('/');
    if (!JS_EXTENSION.test(posix)) return false;
    return TEST_NAME.test(path.posix.basename(posix)) || /(^|\/)(test|tests|__tests__)\//.test(posix);
  },
};

/** NODE_OPTIONS splits on spaces and understands double quotes. */
function nodeOptionQuote(option: string): string {
  return /[\s"\\]/.test(option) ? `"${option.replace(/[\\"]/g, '\\$&')}"` : option;
}

// ---------------------------------------------------------------------------------------------------------------
// Reporter events → results

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

function readRecords(report: string): NodeRecord[] {
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
    result.details = capText(error.stack ?? error.message);
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
    if (text) result.details = capText(text);
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
