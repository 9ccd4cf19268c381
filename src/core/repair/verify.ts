/**
 * Verifying one candidate: its edits applied in memory, checked to parse, then the tests run in a
 * clone of the base copy. A candidate that never reaches the tests is rejected with a reason.
 */
import { findSpecialCasing, reportDisagreement, screenChanges } from '../integrity';
import { applyEdits, parseReply, PatchError, unifiedDiff, type Edit, type FileChanges } from '../patch';
import { cloneSandbox } from '../sandbox';
import {
  filesWithEditedTests,
  findSyntaxProblems,
  formatSyntaxProblems,
  languageForFile,
  replaceFunctionDefinition,
} from '../syntax';
import type { TestProgress } from '../testing/progress';
import { isFailing, type TestReport } from '../testing/types';
import type { ProjectCode, ReadFile } from './code';
import { unstableAfterFix } from './flaky';
import { runTestsIn, type ProjectSetup, type RepairGoal, type RepairTask, type TestRunLimits } from './prepare';
import type { RepairSession } from './session';
import type { Candidate, FileChange } from './types';

export interface CandidateReply {
  turn: number;
  /** 1-based within the turn. */
  index: number;
  reply: string;
  /** Files shown to the model; edits that name no file go to these. */
  focusFiles: string[];
  /** Ends this candidate's test run (a sibling was verified as a fix); the session's signal when absent. */
  signal?: AbortSignal;
  /** Called once the candidate is screened, before its tests run: true when it settled the candidate without a run. */
  beforeRun?: (candidate: Candidate) => Promise<boolean>;
}

/** Verifies one reply against the code the turn builds on (`kept` over the originals). */
export async function verifyCandidate(
  session: RepairSession,
  task: RepairTask,
  kept: ReadonlyMap<string, string>,
  input: CandidateReply,
): Promise<Candidate> {
  const parsed = parseReply(input.reply);
  const { turn, index, reply } = input;
  const candidate: Candidate = {
    id: `t${turn}c${index}`,
    turn,
    index,
    explanation: parsed.explanation,
    reply,
    changes: [],
    patch: '',
    regressions: [],
    fixed: false,
  };
  let applied: AppliedEdits;
  try {
    applied = await applyReply(parsed.edits, task.code, kept, input.focusFiles, !!session.settings.allowTestEdits);
  } catch (error) {
    if (!(error instanceof PatchError)) throw error;
    candidate.rejected = error.message;
    return candidate;
  }
  candidate.changes = await changesFromOriginals(new Map([...applied.onto, ...applied.edited]), task.code);
  candidate.patch = unifiedDiff(candidate.changes);
  // Rust keeps unit tests inside source files: a change to them is a test edit too.
  const inlineTests = await filesWithEditedTests(candidate.changes);
  const verdict = screenChanges(candidate.changes, {
    isTestFile: (file) => task.code.isTestFile(file) || inlineTests.has(file),
    allowTestEdits: session.settings.allowTestEdits,
  });
  if (verdict.testEdits.length) candidate.testEdits = verdict.testEdits;
  if (verdict.rejected) {
    candidate.rejected = verdict.rejected;
    return candidate;
  }
  const problems = await syntaxProblems(applied.edited);
  if (problems.length) {
    candidate.rejected = `the changed code does not parse: ${problems.join('; ')}`;
    return candidate;
  }
  session.checkCancelled();
  if (await input.beforeRun?.(candidate)) return candidate;
  await runAndJudge(session, task, candidate, input.signal);
  return candidate;
}

/** Runs the tests on a screened candidate and records what they say, the report checked against the runner. */
async function runAndJudge(
  session: RepairSession,
  task: RepairTask,
  candidate: Candidate,
  signal = session.settings.signal,
): Promise<void> {
  const run = await testChanges(session, task, candidate, signal);
  candidate.report = run.report;
  const { regressions, fixed } = run.focusedOnly
    ? judgeFocusedReport(run.report, task.goal)
    : judgeReport(run.report, task.goal, session.focused);
  candidate.regressions = regressions;
  if (run.focusedOnly) candidate.focusedRun = true;
  const disagreement = reportDisagreement(candidate.report);
  if (disagreement) {
    candidate.rejected = disagreement;
    return;
  }
  // Generate mode may ask more of a fix than the goal's tests (the callers of a stub that did not build).
  candidate.fixed = fixed && (session.generate?.accepts(run.report) ?? true);
  // A flaky test passing once proves little: a fix of one must pass it again, and again.
  const unstable = fixed ? await unstableAfterFix(task.project, candidate.changes, task.goal, session.settings) : [];
  if (unstable.length) Object.assign(candidate, { fixed: false, unstable });
  if (!candidate.fixed) return;
  const flags = await findSpecialCasing({
    changes: candidate.changes,
    failing: task.goal.failing,
    readTestFile: (file) => task.code.readOriginal(file),
    isTestFile: task.code.isTestFile,
  });
  if (flags.length) candidate.flags = flags;
}

interface AppliedEdits {
  /** New text of the files the reply edits. */
  edited: FileChanges;
  /** The kept changes the edits were applied onto (none when they only fit the original code). */
  onto: ReadonlyMap<string, string>;
}

async function applyReply(
  edits: Edit[],
  code: ProjectCode,
  kept: ReadonlyMap<string, string>,
  focusFiles: string[],
  allowTestEdits: boolean,
): Promise<AppliedEdits> {
  if (edits.length === 0)
    throw new PatchError('the reply contains no edit (no SEARCH/REPLACE block, diff or code block)');
  const projectFiles = await code.filesFor(edits.map((e) => e.file));
  const applyTo = (readFile: ReadFile): Promise<FileChanges> =>
    applyEdits(edits, {
      readFile,
      projectFiles,
      focusFiles,
      // With test edits allowed, the integrity screen decides about test files instead.
      isTestFile: allowTestEdits ? () => false : code.isTestFile,
      replaceFunction: async (source, file, newCode) => {
        const lang = languageForFile(file);
        return lang ? replaceFunctionDefinition(source, lang, newCode) : undefined;
      },
    });
  try {
    return { edited: await applyTo(code.readerWith(kept)), onto: kept };
  } catch (error) {
    // Models often copy from the original code rather than from the kept change.
    if (!(error instanceof PatchError) || kept.size === 0) throw error;
    return { edited: await applyTo((file) => code.readOriginal(file)), onto: new Map() };
  }
}

/** Whole-file changes against the user's originals; files left as they were drop out. */
async function changesFromOriginals(files: ReadonlyMap<string, string>, code: ProjectCode): Promise<FileChange[]> {
  const changes: FileChange[] = [];
  for (const [path, after] of files) {
    const original = await code.readOriginal(path);
    if (original === undefined) changes.push({ path, before: '', after, created: true });
    else if (original !== after) changes.push({ path, before: original, after });
  }
  return changes;
}

/** One line per edited file of a known language that does not parse. */
async function syntaxProblems(edited: FileChanges): Promise<string[]> {
  const problems: string[] = [];
  for (const [path, text] of edited) {
    const lang = languageForFile(path);
    if (!lang) continue;
    const found = await findSyntaxProblems(text, lang);
    if (found.length) problems.push(formatSyntaxProblems(path, found));
  }
  return problems;
}

/**
 * A test file that failed to load is reported as one errored test named after the file; once it loads,
 * its own tests take that place, and it passes when they all do.
 */
function loadedAndPasses(id: string, report: TestReport): boolean {
  const tests = report.tests.filter((t) => t.file === id && t.id !== id);
  return tests.length > 0 && tests.every((t) => t.status === 'passed' || t.status === 'skipped');
}

/**
 * Code that did not build is reported as errored entries that stand for the build, not for tests;
 * once everything builds they are gone, and the build counts as fixed when tests ran and none of
 * what the run reports failed to build.
 */
function builtAndRan(id: string, goal: RepairGoal, report: TestReport): boolean {
  const baseline = goal.failing.find((t) => t.id === id);
  return (
    !!baseline?.buildError &&
    report.tests.length > 0 &&
    !report.tests.some((t) => t.buildError) &&
    !report.tests.some((t) => t.id === id)
  );
}

/** What a candidate's runs gave: the whole suite's report, or only its failing tests' when they did not pass. */
interface CandidateRun {
  report: TestReport;
  focusedOnly: boolean;
}

/**
 * Runs the tests in a fresh clone of the base copy with the candidate's changes written into it. With
 * staged verification, the failing tests run first, alone; the whole suite runs only when they pass
 * (or the narrowed run cannot tell), so a wrong candidate costs a short run.
 */
async function testChanges(
  session: RepairSession,
  task: RepairTask,
  candidate: Candidate,
  signal: AbortSignal | undefined,
): Promise<CandidateRun> {
  const progress = (focused: boolean) => (p: TestProgress) =>
    session.emit({
      type: 'tests-progress',
      stage: 'candidate',
      turn: candidate.turn,
      candidate: candidate.index,
      focused,
      ...p,
    });
  const limits = (focused: boolean): TestRunLimits => ({
    ...session.settings,
    timeoutMs: task.candidateTimeoutMs,
    signal,
    onProgress: progress(focused),
  });
  const timed = async (project: ProjectSetup, focused: boolean): Promise<TestReport> => {
    const report = await runInCopy(task, project, candidate.changes, limits(focused));
    candidate.testMs = (candidate.testMs ?? 0) + report.durationMs;
    return report;
  };
  const focusedCommand = session.settings.stagedVerification === false ? undefined : selectFocus(task);
  if (focusedCommand) {
    const focused = await timed({ ...task.project, command: focusedCommand }, true);
    const outcome = focusedOutcome(focused, task.goal);
    if (outcome === 'failed' || signal?.aborted) return { report: focused, focusedOnly: true };
  }
  // A fresh copy: what the focused run left behind (caches, files a test writes) must not sway the whole suite.
  return { report: await timed(task.project, false), focusedOnly: false };
}

/** Runs `project`'s command in a fresh clone of the base copy with `changes` written into it. */
async function runInCopy(
  task: RepairTask,
  project: ProjectSetup,
  changes: FileChange[],
  limits: TestRunLimits,
): Promise<TestReport> {
  const copy = await cloneSandbox(task.project.sandbox);
  try {
    for (const change of changes) await copy.writeFile(change.path, change.after);
    // What judges the candidate is what the user wrote, whatever the copy holds now.
    await task.project.judge?.restoreInto(copy, new Set(changes.map((c) => c.path)));
    return await runTestsIn(project, copy.root, limits);
  } finally {
    await copy.dispose();
  }
}

/** The test command narrowed to the tests a fix must make pass, when the framework can select them all. */
export function selectFocus(task: Pick<RepairTask, 'project' | 'goal'>): string | undefined {
  const { project, goal } = task;
  const tests = goal.failing.filter((t) => goal.focus.has(t.id));
  // Tests named by the user but never reported (a killed baseline) cannot be selected by what ran.
  if (!tests.length || tests.length < goal.focus.size) return undefined;
  const narrowed = project.adapter.selectTests?.(project.command, tests, 'tests');
  return narrowed && narrowed !== project.command ? narrowed : undefined;
}

/**
 * What the run of the failing tests alone says: `failed` when one of them still fails (or the run was
 * killed), `passed` when they all pass, `unknown` when the run did not report them all (a selection
 * that missed), which only the whole suite can settle.
 */
export function focusedOutcome(report: TestReport, goal: RepairGoal): 'failed' | 'passed' | 'unknown' {
  if (report.timedOut) return 'failed';
  const status = new Map(report.tests.map((t) => [t.id, t.status]));
  const focus = [...goal.focus];
  if (focus.some((id) => status.get(id) === 'failed' || status.get(id) === 'errored')) return 'failed';
  const passes = (id: string): boolean =>
    status.get(id) === 'passed' || loadedAndPasses(id, report) || builtAndRan(id, goal, report);
  return focus.every(passes) ? 'passed' : 'unknown';
}

/**
 * A candidate judged from the run of its failing tests alone, which did not all pass: no fix, and the
 * tests it broke among those that ran (the rest of the suite never ran, so it is not held against it).
 */
export function judgeFocusedReport(report: TestReport, goal: RepairGoal): { regressions: string[]; fixed: boolean } {
  const regressions = report.tests
    .filter((t) => goal.originallyPassing.has(t.id) && (t.status === 'failed' || t.status === 'errored'))
    .map((t) => t.id);
  return { regressions, fixed: false };
}

/**
 * What a candidate's test run says: the tests it broke, and whether it is a fix (the run finished,
 * nothing broke, the focused tests pass, and, unless the user chose tests, no test fails).
 */
export function judgeReport(
  report: TestReport,
  goal: RepairGoal,
  focused: boolean,
): { regressions: string[]; fixed: boolean } {
  const status = new Map(report.tests.map((t) => [t.id, t.status]));
  const regressions = [...goal.originallyPassing].filter((id) => {
    const now = status.get(id);
    // A test missing from a run with results (or from a run that broke) counts as broken.
    return now === undefined ? report.tests.length > 0 || !!report.runError : now === 'failed' || now === 'errored';
  });
  const focusPass = [...goal.focus].every(
    (id) => status.get(id) === 'passed' || loadedAndPasses(id, report) || builtAndRan(id, goal, report),
  );
  const anyFailing = report.tests.some((t) => isFailing(t) && !goal.flaky?.has(t.id));
  const fixed =
    !report.runError &&
    !report.timedOut &&
    report.tests.length > 0 &&
    regressions.length === 0 &&
    focusPass &&
    (focused ? true : !anyFailing);
  return { regressions, fixed };
}
