/**
 * What running the failing tests under a tracer tells about where the bug is: which functions of
 * the project they executed (a coverage spectrum) and, for the most suspect function, the values it
 * saw (LDB-style runtime values). Tracers produce these; localization ranks and shows them.
 */
import type { CommandRunner } from '../sandbox/types';
import type { FrameworkAdapter, TestCaseResult } from '../testing/types';

/** A function of the project's own source (not tests, not dependencies) that traced tests executed. */
export interface ExecutedFunction {
  /** Project-relative POSIX path. */
  file: string;
  /** Name as the runtime knows it (Python `co_qualname`, V8 `functionName`); empty when anonymous. */
  name: string;
  /** 1-based line where the runtime says the function starts (Python `co_firstlineno`: its first decorator). */
  line: number;
  /** Ids (as in the TestReport) of the failing tests that executed it. */
  failingTests: string[];
  /** How many passing tests executed it (0 when no passing test was traced). */
  passingTests: number;
}

export interface CoverageSpectrum {
  /** The tracer that produced it, e.g. `python-settrace` or `v8`. */
  source: string;
  functions: ExecutedFunction[];
  /** How many failing and passing tests the traced run covered. */
  failingTraced: number;
  passingTraced: number;
  durationMs: number;
}

/** A function to watch closely, as `ExecutedFunction` names it. */
export interface TraceTarget {
  file: string;
  name: string;
  line: number;
}

/** The locals of a function after one executed line. Values are `repr`-like strings, each capped. */
export interface ValueStep {
  line: number;
  locals: Record<string, string>;
  /** What a generator yielded at this step (its locals are those at the yield). */
  yielded?: string;
}

export interface TracedCall {
  args: Record<string, string>;
  /** Kept steps: the first and the last iterations of long loops. */
  steps: ValueStep[];
  /** Steps left out between the kept ones. */
  omittedSteps: number;
  /** Index in `steps` where the left-out steps were (default: the middle). */
  omittedAt?: number;
  /** The call ran so many lines that line tracing stopped; `steps` end before the call did. */
  linesStopped?: boolean;
  /** What it returned, or the exception it raised (one of the two, when the call ended). */
  returned?: string;
  raised?: string;
}

/** The values one function saw while one failing test ran. */
export interface RuntimeValues {
  target: TraceTarget;
  /** Id of the failing test traced. */
  test: string;
  calls: TracedCall[];
  /** Calls left out (only the first few are kept). */
  omittedCalls: number;
}

/** One traced run of the project's tests, in a sandbox copy, with the runner the repair uses. */
export interface TraceRequest {
  runner: CommandRunner;
  /** Root of the sandbox copy the tests run in. */
  root: string;
  adapter: FrameworkAdapter;
  /** The user's test command, as the repair runs it. */
  command: string;
  failing: TestCaseResult[];
  /** All tests of the baseline, for the tracer to pick passing neighbours from. */
  tests: TestCaseResult[];
  timeoutMs: number;
  /** How long the plain run of `command` took, when known: a traced run is given a few times as long. */
  baselineMs?: number;
  signal?: AbortSignal;
  /**
   * Reads a project file of the copy (`Sandbox.readFile`): an overlay copy's root exists only inside its
   * namespace. Default: the file under `root`.
   */
  readFile?: (relPath: string) => Promise<string>;
}

/** What the traced runs before the first turn found; each part is missing when its tracing failed or did not apply. */
export interface TraceEvidence {
  spectrum?: CoverageSpectrum;
  values?: RuntimeValues;
}
