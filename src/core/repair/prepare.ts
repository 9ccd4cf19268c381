/**
 * The prepare stage: choose the framework and the command, copy the project, run the tests once.
 * A repair starts from it, and so does a plain test run in a host.
 */
import { errorKindOf, errorLine } from '../errors';
import { JudgeSnapshot } from '../integrity/judge';
import { createSandbox, ProcessRunner } from '../sandbox';
import type { TraceEvidence } from '../localize/types';
import type { CommandRunner, Sandbox } from '../sandbox/types';
import { runTests, selectAdapter, type FrameworkAdapter } from '../testing';
import type { TestProgress } from '../testing/progress';
import type { TestCaseResult, TestReport } from '../testing/types';
import { fingerprintProject, sameFiles, type ProjectFingerprint } from './fingerprint';
import { listingNote, ProjectCode } from './code';
import { checkFlakyTests } from './flaky';
import { failingTests } from './prompt';
import type { RepairSession } from './session';
import type { RepairEnding } from './finish';
import type { HeldBaseline } from './types';
import { nameHungTest } from './hung';
import { candidateTimeLimit } from './time-limit';

/** Stands for a test run that had to be killed, among the failures shown to the model. */
export const STALLED_RUN_ID = '(test run)';

/** What every test run of a project starts from: its framework, its command and a private copy. */
export interface ProjectSetup {
  adapter: FrameworkAdapter;
  command: string;
  /** The base copy; each candidate runs in its own clone of it. */
  sandbox: Sandbox;
  /** The user's project folder the base copy was made from; its files are listed through git when it is a work tree. */
  projectRoot?: string;
  /** The protected files as they were before any run; written again into each candidate's copy. */
  judge?: JudgeSnapshot;
}

export interface TestRunLimits {
  /** How the command is isolated; the plain process-group runner by default. */
  runner?: CommandRunner;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Called every couple of seconds while the tests run (see testing/progress.ts). */
  onProgress?: (progress: TestProgress) => void;
}

/** The project's framework: the one the test command names, else the one its files show. */
export function chooseFramework(projectRoot: string, testCommand?: string): Promise<FrameworkAdapter> {
  return selectAdapter(projectRoot, testCommand);
}

/** Framework, command (the given one, else the framework's default) and a copy of the project. */
export async function setUpProject(projectRoot: string, testCommand?: string): Promise<ProjectSetup> {
  const adapter = await chooseFramework(projectRoot, testCommand);
  const command = testCommand ?? (await adapter.defaultCommand(projectRoot));
  return { adapter, command, sandbox: await createSandbox(projectRoot), projectRoot };
}

/** Runs the project's tests in `root`: the base copy, or a candidate's clone of it. */
export function runTestsIn(project: ProjectSetup, root: string, limits: TestRunLimits): Promise<TestReport> {
  const runner = limits.runner ?? new ProcessRunner();
  return runTests({
    runner,
    root,
    adapter: project.adapter,
    command: project.command,
    timeoutMs: limits.timeoutMs,
    signal: limits.signal,
    ...(limits.onProgress ? { onProgress: limits.onProgress } : {}),
  });
}

export interface TestRunOnce {
  report: TestReport;
  command: string;
  adapter: FrameworkAdapter;
  /** The project's files just before the run: a repair may use the report as its baseline while they stay so. */
  fingerprint: ProjectFingerprint;
  /** When the run started, ms since the epoch. */
  takenAt: number;
}

/** Runs a project's tests once, the way a repair runs its baseline: in a throw-away copy. */
export async function runTestsOnce(
  options: TestRunLimits & { projectRoot: string; testCommand?: string },
): Promise<TestRunOnce> {
  const project = await setUpProject(options.projectRoot, options.testCommand);
  try {
    const takenAt = Date.now();
    const fingerprint = await fingerprintProject(options.projectRoot);
    const report = await runTestsIn(project, project.sandbox.root, options);
    return { report, command: project.command, adapter: project.adapter, fingerprint, takenAt };
  } finally {
    await project.sandbox.dispose();
  }
}

/** What the baseline run asks of a fix. */
export interface RepairGoal {
  /** Failing at the baseline, the killed run among them when the tests never finished. */
  failing: TestCaseResult[];
  /** The killed baseline run as a failure: the code under test may loop forever. */
  stalled?: TestCaseResult;
  /** Tests a candidate must not break. */
  originallyPassing: Set<string>;
  /** Tests a candidate must make pass. */
  focus: Set<string>;
  /** Flaky tests left out of the repair: whether they pass or fail does not count (see flaky.ts). */
  flaky?: Set<string>;
  /** Flaky tests the user named: a fix must pass them FLAKY_FIX_RUNS times. */
  repeat?: Set<string>;
}

/** `hung`: the test a second run with per-test limits found hung, when the baseline was killed. */
export function repairGoal(baseline: TestReport, focusTests?: string[], hung?: TestCaseResult): RepairGoal {
  const stalled: TestCaseResult | undefined = baseline.timedOut
    ? {
        id: STALLED_RUN_ID,
        name: 'the test run',
        status: 'errored',
        message: baseline.runError ?? 'the tests timed out',
        details: baseline.output,
        frames: [],
      }
    : undefined;
  const named = stalled && hung ? [hung] : [];
  const failing = [...failingTests(baseline, focusTests), ...named, ...(stalled ? [stalled] : [])];
  const originallyPassing = new Set(baseline.tests.filter((t) => t.status === 'passed').map((t) => t.id));
  // With a killed run there is no telling which tests failed, so the user's choice (if any) stands; the
  // hung test's id comes from a stack, not from the framework's list, so it informs the model only.
  const focus = new Set(
    stalled && focusTests?.length
      ? focusTests
      : failing.filter((t) => t !== stalled && !named.includes(t)).map((t) => t.id),
  );
  return { failing, ...(stalled ? { stalled } : {}), originallyPassing, focus };
}

/** A prepared repair: the project, its baseline and what a fix must achieve. */
export interface RepairTask {
  project: ProjectSetup;
  baseline: TestReport;
  goal: RepairGoal;
  code: ProjectCode;
  /** Each candidate's test run may take this long (see time-limit.ts). */
  candidateTimeoutMs: number;
  /** What tracing the failing tests found, gathered once before the first turn. */
  evidence?: TraceEvidence;
}

/**
 * Sets up the project and runs its baseline, recording both in the session. Ends the repair early
 * when the setup fails, when the run gives no results, or when nothing fails.
 */
export async function prepareRepair(
  session: RepairSession,
  projectRoot: string,
  testCommand?: string,
): Promise<{ task: RepairTask } | { ending: RepairEnding }> {
  let project: ProjectSetup;
  try {
    project = await setUpProject(projectRoot, testCommand);
  } catch (error) {
    // No framework recognized, no such folder: the user's setup, not a fault of the engine.
    return { ending: { status: 'error', message: errorLine(error), errorKind: errorKindOf(error, 'test-command') } };
  }
  session.project = project;
  project.judge = await JudgeSnapshot.take(project.sandbox, project.adapter);
  session.checkCancelled();

  const baseline = await runBaseline(session, project, projectRoot);
  session.baseline = baseline;
  session.checkCancelled();
  const hung = baseline.timedOut ? await nameHungTest(project, session.settings) : undefined;
  session.checkCancelled();
  if (session.generate && baseline.tests.length) session.settings.focusTests = session.generate.focus(baseline);
  const goal = repairGoal(baseline, session.settings.focusTests, hung);
  const limit = candidateTimeLimit(baseline, session.settings.timeoutMs);
  session.emit({
    type: 'baseline-finished',
    report: baseline,
    failing: goal.failing.map((t) => t.id),
    candidateTimeLimit: limit,
  });
  // A run without results (and not killed) is a setup problem the model cannot fix.
  if (baseline.tests.length === 0 && !goal.stalled) {
    return {
      ending: {
        status: 'error',
        message: baseline.runError ?? `no test results from \`${project.command}\``,
        errorKind: 'test-command',
      },
    };
  }
  if (goal.failing.length === 0) {
    const what = session.focused ? 'the selected tests already pass' : 'all tests already pass';
    return { ending: { status: 'fixed', message: `nothing to repair: ${what}` } };
  }
  const checked = await checkFlakyTests(session, project, goal);
  if ('ending' in checked) return checked;
  const code = await ProjectCode.load(project);
  if (code.truncatedAt !== undefined) {
    const text = listingNote(code.truncatedAt);
    session.notes.push(text);
    session.emit({ type: 'note', text });
  }
  return { task: { project, baseline, goal: checked.goal, code, candidateTimeoutMs: limit.ms } };
}

/** The baseline: the host's earlier run when it still speaks for the files, else a run now. */
async function runBaseline(session: RepairSession, project: ProjectSetup, projectRoot: string): Promise<TestReport> {
  const held = session.settings.heldBaseline;
  if (held) {
    const why = await whyNotUsable(held, project, projectRoot);
    const source = held.source ?? 'an earlier run';
    session.emit({ type: 'baseline-held', used: !why, takenAt: held.takenAt, source, ...(why ? { why } : {}) });
    session.checkCancelled();
    if (!why) return held.report;
  }
  session.emit({ type: 'baseline-started', command: project.command, framework: project.adapter.label });
  return runTestsIn(project, project.sandbox.root, {
    ...session.settings,
    onProgress: (progress) => session.emit({ type: 'tests-progress', stage: 'baseline', ...progress }),
  });
}

/** Why a held run cannot stand in for the baseline, or undefined when it can. */
async function whyNotUsable(
  held: HeldBaseline,
  project: ProjectSetup,
  projectRoot: string,
): Promise<string | undefined> {
  if (held.command !== project.command) return `it ran \`${held.command}\`, not \`${project.command}\``;
  if (held.report.timedOut || held.report.tests.length === 0) return 'it gave no complete results';
  const now = await fingerprintProject(projectRoot);
  return sameFiles(now, held.fingerprint) ? undefined : 'files changed since';
}
