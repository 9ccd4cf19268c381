import type { ErrorKind } from '../errors';
import type { ModelClient, TokenUsage } from '../model/types';
import type { CommandRunner } from '../sandbox/types';
import type { GenerateTarget } from '../generate/target';
import type { TestReport } from '../testing/types';
import type { ProjectFingerprint } from './fingerprint';
import type { PromptFit } from './prompt-budget';
import type { CandidateTimeLimit } from './time-limit';

export interface RepairOptions {
  /** The user's project folder; never written to by the loop. */
  projectRoot: string;
  /** Shell command that runs the tests; detected from the project when absent. */
  testCommand?: string;
  model: ModelClient;
  /** Repair turns before giving up (default 4). */
  maxTurns?: number;
  /** Independent candidates asked for in each turn (default 1): sample wide, repair shallow. */
  candidatesPerTurn?: number;
  /** Per test run; the whole process tree is killed after it (default 120 s). */
  timeoutMs?: number;
  /** Tokens (prompt and completion, all requests) the repair may spend; 0 or absent for no limit. */
  maxTokens?: number;
  /** Tokens one request's prompt may hold, estimated (default 6,000): the least valuable parts are left out. */
  maxPromptTokens?: number;
  /** Wall time of the whole repair; 0 or absent for no limit. */
  maxTimeMs?: number;
  /** Let candidates edit existing test files (never the runner's configuration); such files are listed in `testEdits`. */
  allowTestEdits?: boolean;
  /** Only these test ids need to pass (others must still not regress). */
  focusTests?: string[];
  /** How test commands are isolated; the plain process-group runner by default. */
  runner?: CommandRunner;
  /**
   * Candidates verified at once. By default it follows the machine and the suite: one at a time on two
   * cores or fewer, or when the baseline run kept more than one core busy (see verify-concurrency.ts).
   */
  verifyConcurrency?: number;
  temperature?: number;
  signal?: AbortSignal;
  onEvent?: (event: RepairEvent) => void;
  /**
   * Run the failing tests once more on the unchanged code before the first turn (default true):
   * those that pass are flaky and left out of the repair. Costs one extra test run.
   */
  flakyCheck?: boolean;
  /**
   * Before the first turn, run the failing tests (and their files' passing neighbours) once more under
   * a tracer, to rank the functions they execute (default true). Tracing that fails falls back quietly.
   */
  tracing?: boolean;
  /** With tracing, also record the values the most suspect function saw in one failing test (default true). */
  runtimeValues?: boolean;
  /** Generate mode: implement this stub; the tests calling it that fail at the baseline are the goal (see core/generate). */
  generate?: GenerateTarget;
  /**
   * Show each turn's prompt the earlier candidates that failed, as short diffs with why, and ask for a
   * different approach (default true).
   */
  attemptMemory?: boolean;
  /**
   * Verify candidates with the same resulting files once; drop a candidate an earlier turn already
   * tested; end the repair when a turn only repeats earlier changes for the same failures (default true).
   */
  dedupeCandidates?: boolean;
  /**
   * Run a candidate's failing tests first, alone, where the framework can select them (default true); only
   * a candidate that fixes them runs the whole suite, for regressions.
   */
  stagedVerification?: boolean;
  /**
   * A run of the whole suite the host already holds (e.g. the Test Explorer's): used instead of the
   * baseline run when the command is the same and no project file changed since (the engine checks).
   */
  baseline?: HeldBaseline;
}

/** A test run the host made earlier, with what the project's files were when it ran. */
export interface HeldBaseline {
  report: TestReport;
  /** The command that ran, as the engine ran it (`TestRunOnce.command`). */
  command: string;
  /** The project's files just before that run (`fingerprintProject`). */
  fingerprint: ProjectFingerprint;
  /** When that run started, ms since the epoch. */
  takenAt: number;
  /** Who ran it, for the progress line: `the Test Explorer's run`. */
  source?: string;
}

export interface RequestRecord extends TokenUsage {
  turn: number;
  candidate: number;
  durationMs: number;
  /** The endpoint reported no usage; the counts are estimates (characters / 4). */
  estimated?: boolean;
}

export type RepairStatus = 'fixed' | 'unfixed' | 'error' | 'cancelled';

/** The budget that ended a repair. */
export type BudgetKind = 'tokens' | 'time';

export interface PassFail {
  passed: number;
  failed: number;
}

export interface FileChange {
  path: string;
  /** Empty for a file the candidate creates. */
  before: string;
  after: string;
  created?: boolean;
}

export interface Candidate {
  /** `t<turn>c<index>`, both 1-based. */
  id: string;
  turn: number;
  index: number;
  explanation: string;
  reply: string;
  /** Whole-file changes against the user's original files. */
  changes: FileChange[];
  /** Unified diff of `changes`. */
  patch: string;
  /** Set when the candidate never reached the tests (no edits, bad match, syntax error, test edit) or its report was not the runner's. */
  rejected?: string;
  /** Test files the candidate edits, when the run allows test edits. */
  testEdits?: string[];
  /** Warnings about a passing candidate, e.g. that it may only special-case the failing test's values. */
  flags?: string[];
  report?: TestReport;
  /** Tests that passed before the repair and fail with this candidate. */
  regressions: string[];
  /**
   * Set when the candidate was judged from a run of the failing tests alone (staged verification): it did
   * not fix them, so the whole suite never ran, and `report` and `regressions` cover those tests only.
   */
  focusedRun?: true;
  /** Flaky tests the user asked to repair that passed once with this candidate, then failed again. */
  unstable?: string[];
  fixed: boolean;
  /** Its test run was stopped, or never started, because a sibling of its turn was verified as a fix. */
  cancelled?: boolean;
  /** The id of an earlier candidate with the same resulting files, whose outcome this one shares (not run again). */
  sameAs?: string;
  /** Time its test runs took together (the focused run and the whole suite), ms; absent when it never ran. */
  testMs?: number;
}

export interface RepairResult {
  status: RepairStatus;
  /** One line for a person: why it ended so. */
  message: string;
  /** With status `error`: what went wrong, for the host to act on (see `isConfigurationError`). */
  errorKind?: ErrorKind;
  /** Set when a budget (`maxTokens`, `maxTimeMs`) ended the repair. */
  budget?: BudgetKind;
  turns: number;
  /** The verified fix (best candidate) as a unified diff; empty unless fixed. */
  patch: string;
  changes: FileChange[];
  /** Test files the fix edits (only with `allowTestEdits`). */
  testEdits?: string[];
  /** Warnings about the fix, e.g. "this fix may only make the test pass (...)". */
  warnings?: string[];
  explanation?: string;
  before: PassFail;
  after: PassFail;
  baseline?: TestReport;
  /** Every candidate, best first. */
  candidates: Candidate[];
  requests: number;
  /** Summed over `requestLog`. */
  usage: TokenUsage;
  /** One entry per model request, in the order they finished. */
  requestLog: RequestRecord[];
  durationMs: number;
  testCommand?: string;
  framework?: string;
  /** Failing tests that passed when run again on the unchanged code (see `flakyCheck`). */
  flaky?: string[];
  /** Limits the repair worked under, e.g. "listed the first 200,000 files of the project; ...". */
  notes?: string[];
}

export type RepairEvent =
  | { type: 'baseline-started'; command: string; framework: string }
  | {
      type: 'baseline-finished';
      report: TestReport;
      failing: string[];
      /** How long each candidate's test run may take, derived from the baseline's duration. */
      candidateTimeLimit?: CandidateTimeLimit;
    }
  /** The host's earlier run, used as the baseline (`used`), or not (`why`: what changed since). */
  | { type: 'baseline-held'; used: boolean; takenAt: number; source: string; why?: string }
  /**
   * A test run in progress, every couple of seconds: seconds so far and, where countable, tests done.
   * `stage` says which run: the baseline, the flaky check, or a candidate's (`focused`: its failing tests only).
   */
  | {
      type: 'tests-progress';
      stage: 'baseline' | 'flaky-check' | 'candidate';
      turn?: number;
      candidate?: number;
      focused?: boolean;
      elapsedMs: number;
      done?: number;
    }
  /** The failing tests run again on the unchanged code, to tell flaky ones from real failures. */
  | { type: 'flaky-check-started'; tests: string[] }
  | { type: 'trace-started'; tests: string[] }
  /** `top` names the most suspect function (`name (file:line)`); `values`: its runtime values were recorded. */
  | { type: 'trace-finished'; source?: string; functions: number; top?: string; values: boolean; durationMs: number }
  /** `tests` passed on the rerun; those in `repaired` the user named, so a fix must pass them `runs` times. */
  | { type: 'flaky'; tests: string[]; repaired: string[]; runs: number }
  /** A limit the repair works under that the user should know of, e.g. a cut file listing; also in `RepairResult.notes`. */
  | { type: 'note'; text: string }
  | { type: 'turn-started'; turn: number; maxTurns: number }
  /** `prompt` is the user message sent, whole (after the system prompt); `fit` says what the budget left out. */
  | { type: 'request-started'; turn: number; candidate: number; prompt: string; fit: PromptFit }
  | { type: 'request-waiting'; turn: number; candidate: number; elapsedMs: number }
  | { type: 'request-streaming'; turn: number; candidate: number; chars: number }
  | { type: 'request-finished'; turn: number; candidate: number; usage: TokenUsage; reply: string }
  | { type: 'candidate-rejected'; turn: number; candidate: Candidate; reason: string }
  | { type: 'candidate-verified'; turn: number; candidate: Candidate; passed: number; failed: number }
  | { type: 'finished'; result: RepairResult };
