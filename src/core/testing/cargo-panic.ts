/**
 * What a failed Rust test printed (the `---- name stdout ----` section of libtest, or a JUnit
 * failure's output): the panic message, `assert_eq!`'s left and right, and the frames of the
 * backtrace that lie in the project.
 */
import { toFrame } from './frames';
import type { StackFrame } from './types';

export interface RustFailure {
  message: string;
  details: string;
  actual?: string;
  expected?: string;
  frames: StackFrame[];
}

/** Rust 1.73 and later: `thread 'name' (tid) panicked at src/lib.rs:45:9:`, the message on the next lines. */
const PANIC_AT = /^thread '[^']*'(?: \(\d+\))? panicked at (.+?):(\d+):(\d+):$/;
/** Before 1.73: `thread 'name' panicked at 'message', src/lib.rs:45:9`, the message possibly spanning lines. */
const PANIC_QUOTED = /^thread '[^']*' panicked at '/;
const QUOTED_END = /^(.*)', ([^\s',]+):(\d+):(\d+)$/;
/** `assert_eq!`: `  left: 3` / ` right: 2` now, `  left: \`3\`,` / ` right: \`2\`` before 1.73. */
const LEFT = /^\s*left: (.*)$/;
const RIGHT = /^\s*right: (.*)$/;
const BACKTRACE_START = /^stack backtrace:$/;
const BACKTRACE_FUNCTION = /^\s*\d+: (.+)$/;
const BACKTRACE_AT = /^\s+at (.+?):(\d+):(\d+)$/;
const NOISE = /^note: (run with `RUST_BACKTRACE|Some details are omitted)/;
/** First lines that say why a test failed without a panic: a test returning `Err`, a doc-test that did not build. */
const OTHER_REASON = /^(Error: .*|error(?:\[E\d+\])?: .*)$/;

/** Integration tests and their helpers: `tests/api.rs`, `tests/common/mod.rs`, also inside a workspace member. */
export const RUST_TEST_FILE = /(?:^|\/)tests\/.+\.rs$/;

/**
 * `testName` (`tests::adds`) leaves out the frame of a unit test's own function: it lies in a source
 * file, where it would pass for the code under test; the test's code reaches the model by name.
 */
export function readRustFailure(section: string, root: string, testName?: string): RustFailure {
  const lines = section.replace(/\r\n/g, '\n').split('\n');
  const panic = findPanic(lines, root);
  const { frames: all, kept } = backtraceFrames(lines, root);
  const traced = all.filter((f) => !testName || !isUnitTestFrame(f, testName));
  const frames = all.length ? traced : panic?.frame?.inProject ? [panic.frame] : [];
  const failure: RustFailure = {
    message: panic?.message ?? lines.find((l) => OTHER_REASON.test(l.trim()))?.trim() ?? firstText(lines),
    details: kept.join('\n').trim(),
    frames,
  };
  const values = panic ? leftAndRight(panic.body) : undefined;
  if (values && !/left != right/.test(panic!.message)) Object.assign(failure, values);
  return failure;
}

interface Panic {
  message: string;
  /** Lines of the panic message after its first. */
  body: string[];
  frame?: StackFrame;
}

function findPanic(lines: string[], root: string): Panic | undefined {
  for (let i = 0; i < lines.length; i++) {
    const at = PANIC_AT.exec(lines[i]!);
    if (at) {
      const body: string[] = [];
      for (let j = i + 2; j < lines.length && !isPanicEnd(lines[j]!); j++) body.push(lines[j]!);
      const frame = toFrame(root, at[1]!, Number(at[2]), Number(at[3]));
      return { message: (lines[i + 1] ?? '').trim() || 'panicked', body, frame };
    }
    if (PANIC_QUOTED.test(lines[i]!)) return quotedPanic(lines, i, root);
  }
  return undefined;
}

function quotedPanic(lines: string[], start: number, root: string): Panic {
  const text: string[] = [lines[start]!.replace(PANIC_QUOTED, '')];
  for (let j = start; j < lines.length; j++) {
    if (j > start) text.push(lines[j]!);
    const end = QUOTED_END.exec(text[text.length - 1]!);
    if (!end) continue;
    text[text.length - 1] = end[1]!;
    return {
      message: text[0]!.trim() || 'panicked',
      body: text.slice(1),
      frame: toFrame(root, end[2]!, Number(end[3]), Number(end[4])),
    };
  }
  return { message: text[0]!.trim() || 'panicked', body: text.slice(1) };
}

function isUnitTestFrame(frame: StackFrame, testName: string): boolean {
  const fn = frame.functionName ?? '';
  return (fn === testName || fn.endsWith(`::${testName}`)) && !RUST_TEST_FILE.test(frame.file);
}

function isPanicEnd(line: string): boolean {
  return BACKTRACE_START.test(line) || NOISE.test(line) || line.trim() === '';
}

function leftAndRight(body: string[]): { actual: string; expected: string } | undefined {
  const left = body.map((l) => LEFT.exec(l)?.[1]).find((v) => v !== undefined);
  const right = body.map((l) => RIGHT.exec(l)?.[1]).find((v) => v !== undefined);
  if (left === undefined || right === undefined) return undefined;
  return { actual: unquoteOld(left), expected: unquoteOld(right) };
}

/** The pre-1.73 form wraps each value in backticks, the left one followed by a comma. */
function unquoteOld(value: string): string {
  const old = /^`(.*)`,?$/.exec(value.trim());
  return old ? old[1]! : value.trim();
}

/**
 * The project's frames of a backtrace, outermost first (Rust prints the innermost first), and the
 * section's lines with the backtrace reduced to those frames.
 */
function backtraceFrames(lines: string[], root: string): { frames: StackFrame[]; kept: string[] } {
  const start = lines.findIndex((l) => BACKTRACE_START.test(l));
  const kept = (start < 0 ? lines : lines.slice(0, start)).filter((l) => !NOISE.test(l));
  if (start < 0) return { frames: [], kept };
  const frames: StackFrame[] = [];
  let functionName: string | undefined;
  for (const line of lines.slice(start + 1)) {
    const fn = BACKTRACE_FUNCTION.exec(line);
    if (fn) functionName = fn[1]!.trim();
    const at = BACKTRACE_AT.exec(line);
    if (!at || !functionName || functionName.endsWith('{{closure}}')) continue;
    const frame = toFrame(root, at[1]!, Number(at[2]), Number(at[3]), functionName);
    if (frame.inProject) frames.push(frame);
  }
  frames.reverse();
  if (frames.length) kept.push('stack backtrace (project frames, innermost last):');
  for (const f of frames) kept.push(`  ${f.functionName ?? '?'} at ${f.file}:${f.line}:${f.column ?? 0}`);
  return { frames, kept };
}

function firstText(lines: string[]): string {
  return lines.map((l) => l.trim()).find(Boolean) ?? 'failed';
}
