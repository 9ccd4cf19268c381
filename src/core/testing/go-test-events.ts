/**
 * Reading `go test -json`: its event stream (one JSON object a line, see `go doc test2json`), with the
 * plain lines go prints beside it (`FAIL <pkg> [build failed]`, the compiler's `# <pkg>` blocks on stderr)
 * and the `module <path> <dir>` lines our prepared command writes first, which map packages to folders.
 */
import path from 'node:path';
import { stripAnsi } from './console-output';
import { projectPath, toFrame } from './frames';
import type { StackFrame, TestCaseResult, TestStatus } from './types';

interface GoEvent {
  Action: string;
  Package?: string;
  Test?: string;
  Output?: string;
  Elapsed?: number;
}

interface Entry {
  pkg: string;
  test: string;
  status: TestStatus | 'running';
  output: string[];
  elapsed?: number;
}

/** A `go test -json` run as read so far: tests by package and name, and what each package printed. */
export interface GoRun {
  tests: Map<string, Entry>;
  packageOutput: Map<string, string[]>;
  failedPackages: Set<string>;
  /** Packages whose build failed, with the compiler's lines. */
  buildFailures: Map<string, string[]>;
  /** Module path → folder (absolute as go printed it). */
  modules: Map<string, string>;
}

const MODULE_LINE = /^module (\S+) (.+)$/;
const BUILD_FAILED = /^FAIL\s+(\S+)\s+\[(build|setup) failed\]/;
const COMPILE_HEADER = /^# (\S+)/;
const NOISE = /^(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|FAIL|SKIP):|PASS$|FAIL$|ok\s|FAIL\s)/;

export function readGoRun(text: string): GoRun {
  const run: GoRun = {
    tests: new Map(),
    packageOutput: new Map(),
    failedPackages: new Set(),
    buildFailures: new Map(),
    modules: new Map(),
  };
  let compiling: string | undefined;
  for (const raw of stripAnsi(text).split(/\r?\n/)) {
    const line = raw.trimEnd();
    const event = line.startsWith('{') ? parseEvent(line) : undefined;
    if (event) {
      compiling = undefined;
      addEvent(run, event);
      continue;
    }
    const module = MODULE_LINE.exec(line);
    const failed = BUILD_FAILED.exec(line);
    const header = COMPILE_HEADER.exec(line);
    if (module) run.modules.set(module[1]!, module[2]!);
    else if (failed) lines(run.buildFailures, failed[1]!);
    else if (header) compiling = header[1];
    else if (compiling && line.trim()) lines(run.buildFailures, compiling).push(line.trim());
  }
  return run;
}

function parseEvent(line: string): GoEvent | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof (value as GoEvent).Action === 'string' ? (value as GoEvent) : undefined;
  } catch {
    return undefined;
  }
}

function lines(map: Map<string, string[]>, key: string): string[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function addEvent(run: GoRun, event: GoEvent): void {
  const pkg = event.Package ?? '';
  if (!event.Test) {
    if (event.Action === 'output' && event.Output) lines(run.packageOutput, pkg).push(event.Output.replace(/\n$/, ''));
    if (event.Action === 'fail') run.failedPackages.add(pkg);
    return;
  }
  const key = `${pkg}\u0000${event.Test}`;
  let entry = run.tests.get(key);
  if (!entry) run.tests.set(key, (entry = { pkg, test: event.Test, status: 'running', output: [] }));
  if (event.Action === 'output' && event.Output) entry.output.push(event.Output.replace(/\n$/, ''));
  else if (event.Action === 'pass' || event.Action === 'fail' || event.Action === 'skip') {
    entry.status = event.Action === 'pass' ? 'passed' : event.Action === 'fail' ? 'failed' : 'skipped';
    if (event.Elapsed !== undefined) entry.elapsed = event.Elapsed;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// From events to results

/** `    stats_test.go:12: message` as `t.Errorf` prints it (file relative to the package folder). */
const TEST_LOCATION = /^\s*([\w.\-/]+\.go):(\d+):\s?(.*)$/;
/** A goroutine trace: `pkg.Func(...)` then `\t/abs/file.go:12 +0x1d`. */
const TRACE_FILE = /^\t((?:\/|[A-Za-z]:[\\/])\S*\.go):(\d+)(?: \+0x[0-9a-f]+)?$/;
/** `file.go:12:5: message` from the compiler, relative to the folder go ran in. */
const COMPILER_LOCATION = /^(\S+\.go):(\d+)(?::(\d+))?: (.*)$/;
/** `got X, want Y`, `= X, want Y`, `got: X want: Y`: the usual way Go tests state a mismatch. */
const GOT_WANT = /(?:\bgot:?|=)\s*(.+?),?\s+want:?\s+(.+)$/;
const TIMED_OUT = /^panic: (test timed out after \S+)/;

export function goResults(run: GoRun, root: string): TestCaseResult[] {
  const results: TestCaseResult[] = [];
  for (const entry of run.tests.values()) results.push(testResult(entry, run, root));
  for (const [pkg, compiler] of run.buildFailures) results.push(buildFailure(pkg, compiler, root));
  for (const pkg of run.failedPackages) {
    const failedTests = [...run.tests.values()].some((e) => e.pkg === pkg && e.status !== 'passed');
    if (!failedTests && !run.buildFailures.has(pkg)) results.push(packageFailure(pkg, run, root));
  }
  return results;
}

function testResult(entry: Entry, run: GoRun, root: string): TestCaseResult {
  const dir = packageDir(entry.pkg, run, root);
  const said = entry.output.filter((line) => !NOISE.test(line.trim()));
  const result: TestCaseResult = {
    id: `${entry.pkg}::${entry.test}`,
    name: entry.test,
    status: entry.status === 'running' ? 'errored' : entry.status,
    frames: [],
  };
  if (entry.elapsed !== undefined) result.durationMs = Math.round(entry.elapsed * 1000);
  const located = said.map((line) => TEST_LOCATION.exec(line)).find((m) => m !== null);
  if (located && dir !== undefined) {
    result.file = path.posix.join(dir, located[1]!);
    result.line = Number(located[2]);
  }
  if (result.status === 'passed' || result.status === 'skipped') return result;

  const pkgOutput = run.packageOutput.get(entry.pkg) ?? [];
  // A test still running when the package died: its binary timed out or another goroutine panicked.
  const trace = entry.status === 'running' ? [...said, ...pkgOutput] : said;
  const timedOut = trace.map((line) => TIMED_OUT.exec(line)).find((m) => m !== null);
  result.message =
    timedOut?.[1] ?? firstMessage(said) ?? (entry.status === 'running' ? 'did not finish' : failedSubtests(entry, run));
  result.details = trace.join('\n').trim();
  result.frames = framesOf(trace, dir, root);
  const mismatch = located ? GOT_WANT.exec(located[3]!) : undefined;
  if (mismatch) {
    result.actual = mismatch[1]!.trim();
    result.expected = mismatch[2]!.trim();
  }
  return result;
}

function failedSubtests(parent: Entry, run: GoRun): string {
  const failed = [...run.tests.values()].filter(
    (e) => e.pkg === parent.pkg && e.test.startsWith(`${parent.test}/`) && e.status === 'failed',
  );
  return failed.length ? `subtests failed: ${failed.map((e) => e.test).join(', ')}` : 'failed';
}

/** What the run printed, as `go test -v` would show it: the events' output, then every other line. */
export function goOutputText(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const event = line.startsWith('{') ? parseEvent(line) : undefined;
    if (event) {
      if (event.Action === 'output' && event.Output) out.push(event.Output.replace(/\n$/, ''));
    } else if (!MODULE_LINE.test(line)) {
      out.push(line);
    }
  }
  return out.join('\n').trim();
}

function firstMessage(said: readonly string[]): string | undefined {
  const first = said.find((line) => line.trim());
  return first?.trim();
}

/** Frames of a goroutine trace (innermost first in Go; outermost first here) and of `file.go:12:` lines. */
function framesOf(output: readonly string[], dir: string | undefined, root: string): StackFrame[] {
  const traced: StackFrame[] = [];
  output.forEach((line, i) => {
    const found = TRACE_FILE.exec(line);
    if (!found) return;
    const fn = output[i - 1]?.replace(/\([^()]*\)$/, '').replace(/^created by /, '');
    traced.push(toFrame(root, found[1]!, Number(found[2]), undefined, fn));
  });
  const located: StackFrame[] = [];
  for (const line of output) {
    const found = TEST_LOCATION.exec(line);
    if (found && dir !== undefined) located.push(toFrame(root, path.posix.join(dir, found[1]!), Number(found[2])));
  }
  return [...traced.reverse(), ...located];
}

function buildFailure(pkg: string, compiler: readonly string[], root: string): TestCaseResult {
  const frames: StackFrame[] = [];
  for (const line of compiler) {
    const found = COMPILER_LOCATION.exec(line);
    if (found) frames.push(toFrame(root, found[1]!, Number(found[2]), found[3] ? Number(found[3]) : undefined));
  }
  const first = frames.find((f) => f.inProject);
  const result: TestCaseResult = {
    id: pkg,
    name: pkg,
    status: 'errored',
    message: `build failed: ${compiler[0] ?? pkg}`,
    details: compiler.join('\n'),
    frames,
    buildError: true,
  };
  if (first) {
    result.file = first.file;
    result.line = first.line;
  }
  return result;
}

/** A package that failed outside any test: TestMain, an init panic, a timeout before the first test. */
function packageFailure(pkg: string, run: GoRun, root: string): TestCaseResult {
  const output = run.packageOutput.get(pkg) ?? [];
  const said = output.filter((line) => !NOISE.test(line.trim()));
  return {
    id: pkg,
    name: pkg,
    status: 'errored',
    message: firstMessage(said) ?? 'the test binary failed',
    details: said.join('\n').trim(),
    frames: framesOf(said, packageDir(pkg, run, root), root),
  };
}

/** The package's folder relative to the project root ('' for the root), when go said where its module is. */
export function packageDir(pkg: string, run: GoRun, root: string): string | undefined {
  for (const [module, dir] of run.modules) {
    if (pkg !== module && !pkg.startsWith(`${module}/`)) continue;
    const absolute = path.join(dir, pkg.slice(module.length));
    if (path.resolve(absolute) === path.resolve(root)) return '';
    return projectPath(root, absolute);
  }
  return undefined;
}
