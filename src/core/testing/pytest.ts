import { existsSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { FrameworkAdapter, PreparedCommand } from './adapter';
import { capText, hasAnyFile, readTextIfExists, shellQuote, stripAnsi, toFrame } from './common';
import {
  countTests,
  emptyCounts,
  type StackFrame,
  type TestCaseResult,
  type TestCounts,
  type TestReport,
  type TestStatus,
} from './types';

const REPORT_FILE = 'pytest.xml';
/** `pytest`, `py.test`, `.venv/bin/pytest`, `python -m pytest`, `uv run pytest`, ... */
const PYTEST_WORD = /(?:^|[\s;&|/'"(])py\.?test(?=$|[\s;&|)'"])/;
/** Where the pytest invocation ends inside a longer shell line: our flags go before this. */
const SHELL_BREAK = /\s+(?:&&|\|\|?|;|\d?>)/g;
const TEST_FILE = /^(test_.*|.*_test)\.py$/;

export const pytestAdapter: FrameworkAdapter = {
  id: 'pytest',
  label: 'pytest',

  async detect(root) {
    if (['pytest.ini', 'conftest.py'].some((name) => existsSync(path.join(root, name)))) return true;
    const configs: Array<[string, string]> = [
      ['pyproject.toml', '[tool.pytest'],
      ['setup.cfg', '[tool:pytest]'],
      ['tox.ini', '[pytest]'],
    ];
    for (const [name, section] of configs) {
      if ((await readTextIfExists(path.join(root, name)))?.includes(section)) return true;
    }
    for (const dir of ['.', 'tests', 'test']) {
      if (await hasAnyFile(path.join(root, dir), (name) => TEST_FILE.test(name))) return true;
    }
    return false;
  },

  async defaultCommand(root) {
    // A project virtualenv has the project's dependencies; the system Python usually does not.
    const venvPython = ['.venv', 'venv']
      .map((dir) => path.join(dir, process.platform === 'win32' ? 'Scripts/python.exe' : 'bin/python'))
      .find((candidate) => existsSync(path.join(root, candidate)));
    return `${venvPython ?? (process.platform === 'win32' ? 'python' : 'python3')} -m pytest`;
  },

  matchesCommand: (command) => PYTEST_WORD.test(command),

  prepare(command, reportDir): PreparedCommand {
    const match = PYTEST_WORD.exec(command);
    if (!match) return { command };
    const reportPath = path.join(reportDir, REPORT_FILE);
    // xunit1 keeps the `file` and `line` attributes that xunit2 drops.
    const flags = [`--junitxml=${shellQuote(reportPath)}`, '-o', 'junit_family=xunit1'];
    if (!/-p\s*no:cacheprovider/.test(command)) flags.push('-p', 'no:cacheprovider');
    if (!/(^|\s)(-[qv]+|--quiet|--verbose)(?=\s|$)/.test(command)) flags.push('-q');
    SHELL_BREAK.lastIndex = match.index + match[0].length;
    const end = SHELL_BREAK.exec(command)?.index ?? command.trimEnd().length;
    return { command: `${command.slice(0, end)} ${flags.join(' ')}${command.slice(end)}`, reportPath };
  },

  parse(input) {
    const fromReport = input.report ? parseJunit(input.report, input.projectRoot) : undefined;
    const parsed = fromReport ?? parseConsole(input.output, input.projectRoot);
    const report: TestReport = {
      framework: 'pytest',
      tests: parsed.tests,
      counts: parsed.counts ?? countTests(parsed.tests),
      exitCode: input.exitCode,
      timedOut: input.timedOut,
      output: input.output,
      durationMs: input.durationMs,
    };
    const collectionErrors = parsed.tests.filter((t) => t.id === t.file && t.status === 'errored');
    if (collectionErrors.length && collectionErrors.length === parsed.tests.length) {
      const first = collectionErrors[0]!;
      report.runError = `collection error in ${first.file}: ${first.message ?? 'could not import the test module'}`;
    }
    return report;
  },

  isTestFile(relPath) {
    const posix = relPath.split(path.sep).join('/');
    const name = path.posix.basename(posix);
    if (!name.endsWith('.py')) return false;
    return TEST_FILE.test(name) || name === 'conftest.py' || /(^|\/)tests?\//.test(posix);
  },
};

interface Parsed {
  tests: TestCaseResult[];
  counts?: TestCounts;
}

// ---------------------------------------------------------------------------------------------------------------
// JUnit XML (xunit1)

interface JunitNode {
  testsuite?: JunitNode[];
  testcase?: JunitCase[];
}

interface JunitOutcome {
  message?: string;
  type?: string;
  '#text'?: string;
}

interface JunitCase {
  classname?: string;
  name?: string;
  file?: string;
  line?: string;
  time?: string;
  failure?: JunitOutcome[];
  error?: JunitOutcome[];
  skipped?: JunitOutcome[];
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
  isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
});

/** Undefined when the text is not a JUnit report (then the console output is used instead). */
function parseJunit(xml: string, root: string): Parsed | undefined {
  let document: { testsuites?: JunitNode; testsuite?: JunitNode[] };
  try {
    document = xmlParser.parse(xml);
  } catch {
    return undefined;
  }
  const top = document.testsuites ?? (document.testsuite ? { testsuite: document.testsuite } : undefined);
  if (!top) return undefined;
  const cases: JunitCase[] = [];
  const walk = (node: JunitNode) => {
    cases.push(...(node.testcase ?? []));
    for (const suite of node.testsuite ?? []) walk(suite);
  };
  walk(top);

  const byId = new Map<string, TestCaseResult>();
  for (const testCase of cases) {
    const result = junitCase(testCase, root);
    const previous = byId.get(result.id);
    // pytest may report a test twice (failed call + failed teardown); the worse outcome stands.
    if (!previous || severity(result.status) > severity(previous.status)) byId.set(result.id, result);
  }
  return { tests: [...byId.values()] };
}

function junitCase(testCase: JunitCase, root: string): TestCaseResult {
  const name = testCase.name ?? '';
  const file = testCase.file?.split('\\').join('/');
  const classname = testCase.classname ?? '';
  const failure = testCase.failure?.[0];
  const error = testCase.error?.[0];
  const skipped = testCase.skipped?.[0];
  const status: TestStatus = failure ? 'failed' : error ? 'errored' : skipped ? 'skipped' : 'passed';

  const result: TestCaseResult = { id: nodeId(file, classname, name), name, status, frames: [] };
  if (file) result.file = file;
  if (testCase.line !== undefined && /^\d+$/.test(testCase.line)) result.line = Number(testCase.line) + 1;
  if (testCase.time !== undefined && Number.isFinite(Number(testCase.time))) {
    result.durationMs = Math.round(Number(testCase.time) * 1000);
  }
  if (skipped) {
    if (skipped.message) result.message = skipped.message;
    return result;
  }
  const outcome = failure ?? error;
  if (outcome) describeFailure(result, outcome.message, outcome['#text'] ?? '', root);
  return result;
}

/** pytest's node id: the junit `classname` repeats the module path, which the `file` already gives. */
function nodeId(file: string | undefined, classname: string, name: string): string {
  if (!file) return classname ? `${classname}::${name}` : name;
  const modulePath = file.replace(/\.py$/, '').split('/').join('.');
  // A collection error names the module itself (classname "", name "tests.test_x").
  if (!classname && name === modulePath) return file;
  const classes =
    classname === modulePath
      ? ''
      : classname.startsWith(`${modulePath}.`)
        ? classname.slice(modulePath.length + 1)
        : '';
  return [file, ...(classes ? classes.split('.') : []), name].join('::');
}

/** Fills message, details, frames and expected/actual from a failure's message and trace text. */
function describeFailure(result: TestCaseResult, message: string | undefined, trace: string, root: string): void {
  const text = trace.trim();
  const errorLine = firstErrorLine(text);
  const firstLine = message?.trim().split('\n')[0]?.trim();
  const generic = !firstLine || firstLine === 'collection failure';
  const shown = generic ? errorLine : firstLine;
  if (shown) result.message = shown;
  if (text) result.details = capText(text);
  result.frames = pythonFrames(text, root);
  const operands = assertionOperands(message ?? '') ?? assertionOperands(text);
  if (operands) {
    result.actual = operands.actual;
    result.expected = operands.expected;
  }
}

/** The first `E   ...` line of a pytest trace: the exception as Python printed it. */
function firstErrorLine(trace: string): string | undefined {
  const match = /^E\s+(\S.*)$/m.exec(trace);
  return match?.[1]?.trim();
}

function severity(status: TestStatus): number {
  return ['passed', 'skipped', 'failed', 'errored'].indexOf(status);
}

// ---------------------------------------------------------------------------------------------------------------
// Traces and assertions

/**
 * Frames from a pytest or plain Python traceback, innermost first. pytest's long form prints a frame's
 * source (starting at its `def`) and then `path.py:12: ErrorType`, so the function name is taken from
 * the last `def` seen; the short and native forms name it on the location line.
 */
export function pythonFrames(trace: string, root: string): StackFrame[] {
  const frames: StackFrame[] = [];
  let lastDef: string | undefined;
  const push = (file: string, line: string, functionName: string | undefined) => {
    const frame = toFrame(root, file, Number(line), undefined, functionName);
    const previous = frames[frames.length - 1];
    if (!previous || previous.file !== frame.file || previous.line !== frame.line) frames.push(frame);
  };
  for (const raw of trace.split(/\r?\n/)) {
    const line = raw.trimEnd();
    let match: RegExpExecArray | null;
    if (/^_( _)+$/.test(line)) {
      lastDef = undefined;
    } else if ((match = /^\s*File "(.+?)", line (\d+)(?:, in (.+))?$/.exec(line))) {
      push(match[1]!, match[2]!, match[3]);
    } else if ((match = /^((?:[A-Za-z]:)?[^\s:][^:]*?\.py):(\d+):(?: in (\S+)| .*)?$/.exec(line))) {
      push(match[1]!, match[2]!, match[3] ?? lastDef);
      lastDef = undefined;
    } else if ((match = /^(?:>)?\s*(?:async\s+)?def\s+(\w+)\s*\(/.exec(line))) {
      lastDef = match[1];
    }
  }
  return frames.reverse();
}

/**
 * Operands of the first `assert left == right` in pytest's rewritten message: what the code produced
 * (left) and what the test wanted (right).
 */
export function assertionOperands(text: string): { actual: string; expected: string } | undefined {
  for (const line of text.split(/\r?\n/)) {
    // Unindented or `E` lines only: indented ones are source code quoted in the trace, not the failure.
    const match = /^(?:E\s+)?(?:AssertionError: )?assert (.+)$/.exec(line.trimEnd());
    if (!match) continue;
    const parts = splitTopLevel(match[1]!, ' == ');
    return parts.length === 2 ? { actual: parts[0]!.trim(), expected: parts[1]!.trim() } : undefined;
  }
  return undefined;
}

/** Splits at `separator` outside quotes and brackets, so `'a == b' == x` has two operands, not three. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if ('([{'.includes(char)) {
      depth++;
    } else if (')]}'.includes(char)) {
      depth--;
    } else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------
// Console output, when there is no report (a command we could not add flags to)

const SUMMARY_LINE = /^(FAILED|ERROR|PASSED|XPASS)\s+(\S+)(?:\s+-\s+(.*))?$/;
const SECTION_HEADER = /^_{3,} (.+?) _{3,}$/;
const COUNT_WORDS: Record<string, keyof TestCounts> = {
  passed: 'passed',
  xpassed: 'passed',
  failed: 'failed',
  error: 'errored',
  errors: 'errored',
  skipped: 'skipped',
  xfailed: 'skipped',
};

function parseConsole(output: string, root: string): Parsed {
  const lines = stripAnsi(output).split(/\r?\n/);
  const sections = failureSections(lines);
  const tests: TestCaseResult[] = [];
  let counts: TestCounts | undefined;
  for (const line of lines) {
    const entry = SUMMARY_LINE.exec(line.trim());
    if (entry) {
      const [, word, id, message] = entry;
      const file = id!.split('::')[0]!;
      const status: TestStatus = word === 'FAILED' ? 'failed' : word === 'ERROR' ? 'errored' : 'passed';
      const name = id!.includes('::') ? id!.slice(id!.lastIndexOf('::') + 2) : id!;
      const result: TestCaseResult = { id: id!, name, file, status, frames: [] };
      if (message) result.message = message.trim();
      const section = sections.get(sectionKey(id!));
      if (section && status !== 'passed') {
        describeFailure(result, message, section, root);
        // The summary line is cut to the terminal's width; the section's `E` line is whole.
        const errorLine = firstErrorLine(section);
        if (errorLine) result.message = errorLine;
      }
      tests.push(result);
      continue;
    }
    const summary = /^=*\s*((?:\d+ [a-z]+(?:, )?)+) in [\d.]+s/.exec(line.trim());
    if (summary) {
      counts = emptyCounts();
      for (const [, n, word] of summary[1]!.matchAll(/(\d+) ([a-z]+)/g)) {
        const key = COUNT_WORDS[word!];
        if (key) counts[key] += Number(n);
      }
    }
  }
  return counts ? { tests, counts } : { tests };
}

/** Bodies of the FAILURES / ERRORS sections, keyed as their `____ header ____` lines name the test. */
function failureSections(lines: string[]): Map<string, string> {
  const sections = new Map<string, string>();
  let key: string | undefined;
  let body: string[] = [];
  const close = () => {
    if (key !== undefined) sections.set(key, body.join('\n'));
    key = undefined;
    body = [];
  };
  for (const line of lines) {
    const header = SECTION_HEADER.exec(line);
    if (header) {
      close();
      key = header[1]!.replace(/^ERROR (?:at (?:setup|teardown) of|collecting) /, '');
    } else if (/^={3,}/.test(line)) {
      close();
    } else if (key !== undefined) {
      body.push(line);
    }
  }
  close();
  return sections;
}

/** `tests/x.py::TestA::test_b[1]` is headed `TestA.test_b[1]`; a module's collection error by its path. */
function sectionKey(id: string): string {
  const parts = id.split('::');
  return parts.length === 1 ? id : parts.slice(1).join('.');
}
