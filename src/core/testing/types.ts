/** Structured results of one test run, whatever framework produced them. */

import type { RunLimit } from '../sandbox/limits';

export type TestStatus = 'passed' | 'failed' | 'errored' | 'skipped';

export interface StackFrame {
  /** Path relative to the project root when the frame is inside the project, else as printed. */
  file: string;
  /** 1-based. */
  line: number;
  column?: number;
  functionName?: string;
  /** True when `file` lies inside the project (and is not under node_modules / site-packages). */
  inProject: boolean;
}

export interface TestCaseResult {
  /** Stable id, e.g. `tests/test_stats.py::test_mean` or `test/math.test.js > adds numbers`. */
  id: string;
  /** Test name as the framework prints it. */
  name: string;
  /** Project-relative path of the test file, when known. */
  file?: string;
  /** 1-based line of the test definition, when known. */
  line?: number;
  status: TestStatus;
  /** First line or short form of the failure, e.g. `AssertionError: assert 2 == 3`. */
  message?: string;
  /** Full failure text (trace, captured output) as the framework gave it, trimmed. */
  details?: string;
  expected?: string;
  actual?: string;
  frames: StackFrame[];
  durationMs?: number;
  /**
   * The entry stands for code that does not build (a crate or package the compiler rejected), not for
   * a test: it is gone once the code builds.
   */
  buildError?: boolean;
}

export interface TestCounts {
  passed: number;
  failed: number;
  errored: number;
  skipped: number;
}

export interface TestReport {
  framework: string;
  tests: TestCaseResult[];
  counts: TestCounts;
  /** Exit code of the test command, or null when it was killed. */
  exitCode: number | null;
  timedOut: boolean;
  /** Combined stdout+stderr, capped. */
  output: string;
  durationMs: number;
  /**
   * Set when the run itself failed rather than its tests: command not found, a collection error
   * that produced no results, a timeout. One line, meant for a person.
   */
  runError?: string;
  /** The run hit one of its limits (time, processes, memory); runError says which and its value. */
  limit?: RunLimit;
}

export function emptyCounts(): TestCounts {
  return { passed: 0, failed: 0, errored: 0, skipped: 0 };
}

export function countTests(tests: readonly TestCaseResult[]): TestCounts {
  const counts = emptyCounts();
  for (const t of tests) counts[t.status]++;
  return counts;
}

/** A run's report: its results, counted, and what the run itself gave (exit, time, output). */
export function reportOf(
  framework: string,
  tests: TestCaseResult[],
  input: RawTestRun,
  output: string = input.output,
): TestReport {
  return {
    framework,
    tests,
    counts: countTests(tests),
    exitCode: input.exitCode,
    timedOut: input.timedOut,
    output,
    durationMs: input.durationMs,
  };
}

/** Failed or errored: what a repair is for. */
export function isFailing(t: TestCaseResult): boolean {
  return t.status === 'failed' || t.status === 'errored';
}

// ---------------------------------------------------------------------------------------------------------------
// The contract between the engine and one test framework

export interface PreparedCommand {
  command: string;
  /** Added to the run's environment (NODE_OPTIONS is appended to, not replaced). */
  env?: Record<string, string>;
  /** Where the machine-readable report will be written, when the command could be given a reporter. */
  reportPath?: string;
}

/** What one test run left behind, for its framework's adapter to read. */
export interface RawTestRun {
  projectRoot: string;
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
  durationMs: number;
  /** Text of the report file, when the run produced one. */
  report?: string;
}

/** What one test framework needs to be run and understood. New frameworks implement this and join `adapters`. */
export interface FrameworkAdapter {
  readonly id: string;
  readonly label: string;
  /** Cheap file checks: does the project at `projectRoot` look like it uses this framework? */
  detect(projectRoot: string): Promise<boolean>;
  /**
   * Does `dir` hold this framework's own configuration (a package.json naming the runner, its config
   * file, go.mod, Cargo.toml, ...), not merely files that look like tests? Such a folder is a project
   * root: the nearest one above a test file is where its tests run, in a monorepo too.
   */
  configuredIn?(dir: string): Promise<boolean>;
  defaultCommand(projectRoot: string): Promise<string>;
  /** Does this user command run this framework? */
  matchesCommand(command: string): boolean;
  /** Adds machine-readable reporter flags, writing into `reportDir`; other commands come back unchanged. */
  prepare(command: string, reportDir: string): PreparedCommand;
  parse(input: RawTestRun): TestReport;
  isTestFile(relPath: string): boolean;
  /**
   * The command narrowed to `tests` (scope `tests`) or to the files that hold them (scope `files`),
   * when the command and the framework allow it; undefined means the whole suite has to run.
   */
  selectTests?(command: string, tests: readonly TestCaseResult[], scope: 'tests' | 'files'): string | undefined;
  /**
   * The id this framework's reports give the test that tree-sitter finds in `file` (relative to
   * `projectRoot`) under `fullName`. Without it, the JavaScript runners' `file > suite > test`.
   */
  testId?(projectRoot: string, file: string, fullName: string): string;
}
