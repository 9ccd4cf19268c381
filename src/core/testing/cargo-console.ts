/**
 * `cargo test`'s console output: cargo's `Running`/`Doc-tests` lines name each test binary, libtest
 * prints one `test name ... ok|FAILED|ignored` line per test and a `---- name stdout ----` section per
 * failure, and rustc prints `error[E…]` diagnostics when the tests do not build.
 */
import { stripAnsi } from './console-output';
import { readRustFailure } from './cargo-panic';
import { toFrame } from './frames';
import type { TestCaseResult, TestStatus } from './types';

/** `     Running unittests src/lib.rs (target/debug/deps/stats-5d0e…)`; before cargo 1.57 only the binary. */
const RUNNING = /^\s*Running (?:unittests )?(\S+)(?: \((\S+)\))?\s*$/;
const DOC_TESTS = /^\s*Doc-tests (\S+)\s*$/;
const RESULT = /^test (.+?)(?: - should panic)? \.\.\. (ok|FAILED|ignored(?:, .*)?)$/;
/** libtest's warning for a slow test, and (one test thread) a test that started and never finished. */
const STILL_RUNNING = /^test (.+?) has been running for over \d+ seconds$/;
const STARTED = /^test (.+?)(?: - should panic)? \.\.\. ?$/;
const SECTION = /^---- (.+?) std(?:out|err) ----$/;
const SECTION_END = /^(failures:|successes:|test result: )/;
/** `src/lib.rs - add (line 5)`, `src/lib.rs - Span::width (line 30)`: a doc-test names its file and line. */
const DOC_TEST_NAME = /^(\S+\.rs) - .* \(line (\d+)\)$/;
const COMPILE_ERROR = /^error(?:\[(E\d+)\])?: (.+)$/;
const ERROR_AT = /^\s*--> (.+?):(\d+):(\d+)$/;
/** cargo's own closing lines, which say nothing the diagnostics above them have not said. */
const CARGO_SUMMARY = /^((?:doc)?test failed, to rerun|\d+ targets? failed|could not compile|aborting due to)/;

export interface CargoConsole {
  tests: TestCaseResult[];
  /** One errored entry per rustc error, when the tests did not build. */
  buildErrors: TestCaseResult[];
  /** Tests that started and never finished (a hung test, when the run was killed), as errored. */
  unfinished: TestCaseResult[];
}

interface Binary {
  /** `src/lib.rs`, `tests/api.rs`; undefined for doc-tests, whose names carry their file. */
  target?: string;
}

export function parseCargoConsole(output: string, root: string): CargoConsole {
  const lines = stripAnsi(output).replace(/\r\n/g, '\n').split('\n');
  const tests = new Map<string, TestCaseResult>();
  const started = new Map<string, TestCaseResult>();
  let binary: Binary = {};
  let section: { test: TestCaseResult; lines: string[] } | undefined;
  const closeSection = () => {
    if (section) Object.assign(section.test, failureFields(section.lines.join('\n'), root, section.test.name));
    section = undefined;
  };
  for (const line of lines) {
    if (section && !SECTION.test(line) && !SECTION_END.test(line)) {
      section.lines.push(line);
      continue;
    }
    closeSection();
    const running = RUNNING.exec(line);
    const doc = DOC_TESTS.exec(line);
    const result = RESULT.exec(line);
    const header = SECTION.exec(line);
    const startedName = STILL_RUNNING.exec(line)?.[1] ?? STARTED.exec(line)?.[1];
    if (running) binary = { target: targetOf(running[1]!, running[2]) };
    else if (doc) binary = {};
    else if (result) {
      const test = testCase(binary, result[1]!, statusOf(result[2]!));
      tests.set(test.id, test);
      started.delete(test.id);
    } else if (startedName) {
      const test = testCase(binary, startedName, 'errored');
      started.set(test.id, test);
    } else if (header) {
      const test = tests.get(testCase(binary, header[1]!, 'failed').id);
      if (test) section = { test, lines: [] };
    }
  }
  closeSection();
  return { tests: [...tests.values()], buildErrors: buildErrors(lines, root), unfinished: [...started.values()] };
}

/** A test's id: its target's source file and its path in that target (`src/lib.rs::tests::adds`); a doc-test's own name. */
export function testCase(binary: Binary, name: string, status: TestStatus): TestCaseResult {
  const doc = DOC_TEST_NAME.exec(name);
  if (doc || !binary.target) {
    return { id: name, name, status, frames: [], ...(doc ? { file: doc[1]!, line: Number(doc[2]) } : {}) };
  }
  return { id: `${binary.target}::${name}`, name, file: binary.target, status, frames: [] };
}

/** The source file of a test binary; an old cargo names only the binary (`target/debug/deps/api-1f2e…`). */
function targetOf(source: string, executable: string | undefined): string {
  if (executable || source.endsWith('.rs')) return source;
  const binary = source.replace(/^\((.*)\)$/, '$1');
  return /([^/\\]+?)(?:-[0-9a-f]{16})?(?:\.exe)?$/.exec(binary)?.[1] ?? binary;
}

function statusOf(word: string): TestStatus {
  if (word === 'ok') return 'passed';
  return word === 'FAILED' ? 'failed' : 'skipped';
}

function failureFields(section: string, root: string, testName: string): Partial<TestCaseResult> {
  const failure = readRustFailure(section, root, testName);
  return {
    message: failure.message,
    details: failure.details,
    frames: failure.frames,
    ...(failure.actual !== undefined ? { actual: failure.actual, expected: failure.expected } : {}),
  };
}

/** rustc's errors as errored entries: `src/lib.rs:3:24`, message `error[E0308]: mismatched types`, the diagnostic as details. */
export function buildErrors(lines: string[], root: string): TestCaseResult[] {
  const errors: TestCaseResult[] = [];
  for (let i = 0; i < lines.length; i++) {
    const error = COMPILE_ERROR.exec(lines[i]!);
    if (!error || CARGO_SUMMARY.test(error[2]!)) continue;
    const block = [lines[i]!];
    for (let j = i + 1; j < lines.length && lines[j]!.trim() !== ''; j++) block.push(lines[j]!);
    const at = block.map((l) => ERROR_AT.exec(l)).find(Boolean);
    const frame = at ? toFrame(root, at[1]!, Number(at[2]), Number(at[3])) : undefined;
    const where = frame ? `${frame.file}:${frame.line}:${frame.column ?? 1}` : `build error ${errors.length + 1}`;
    if (errors.some((e) => e.id === where)) continue;
    errors.push({
      id: where,
      name: `does not compile: ${where}`,
      status: 'errored',
      buildError: true,
      message: lines[i]!.trim(),
      details: block.join('\n'),
      frames: frame?.inProject ? [frame] : [],
      ...(frame?.inProject ? { file: frame.file, line: frame.line } : {}),
    });
  }
  return errors;
}
