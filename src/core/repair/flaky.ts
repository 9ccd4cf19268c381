/**
 * Flaky tests: a test that fails at the baseline and then passes on the same, unchanged code is
 * not a bug the model can fix from one failure. Such tests are run again before the first turn,
 * reported, and left out of the repair, unless the user named them; a fix of one of those must
 * then pass it several times in a row.
 */
import { cloneSandbox } from '../sandbox';
import type { TestCaseResult, TestReport } from '../testing/types';
import type { RepairEnding } from './finish';
import { runTestsIn, type ProjectSetup, type RepairGoal, type TestRunLimits } from './prepare';
import type { RepairSession } from './session';
import type { FileChange } from './types';

/** Runs in a row a fix of a flaky test must pass, the verification run included. */
export const FLAKY_FIX_RUNS = 3;

/** Runs `tests` once more in `root` (only them when the command can select them) and gives their statuses. */
async function rerun(
  project: ProjectSetup,
  root: string,
  tests: readonly TestCaseResult[],
  limits: TestRunLimits,
): Promise<Map<string, TestCaseResult['status']>> {
  const selecting = project.adapter.selectTests?.(project.command, tests, 'tests');
  const statuses = new Map<string, TestCaseResult['status']>();
  const record = (report: TestReport): void => {
    // Skipped means the selection missed it (a name pattern that did not match), not that it ran.
    for (const t of report.tests)
      if (t.status !== 'skipped' && tests.some((f) => f.id === t.id)) statuses.set(t.id, t.status);
  };
  if (selecting) {
    const narrowed = await runTestsIn({ ...project, command: selecting }, root, limits);
    record(narrowed);
    // A run that hung would hang again: one time limit spent is enough.
    if (narrowed.timedOut || limits.signal?.aborted) return statuses;
  }
  // Tests the narrowed run did not report (a command that names its own paths, an id it cannot
  // select): the whole suite once more.
  if (tests.some((t) => !statuses.has(t.id))) record(await runTestsIn(project, root, limits));
  return statuses;
}

/** The failing tests that pass when run again on the unchanged code, in `root` (the base copy). */
export async function findFlakyTests(
  project: ProjectSetup,
  failing: readonly TestCaseResult[],
  limits: TestRunLimits,
): Promise<string[]> {
  const statuses = await rerun(project, project.sandbox.root, failing, limits);
  return failing.filter((t) => statuses.get(t.id) === 'passed').map((t) => t.id);
}

/**
 * The prepare stage's flaky check: with it on and real failures at the baseline, runs them again
 * and takes the flaky ones out of the goal (unless the user named them). Ends the repair when no
 * failure is left to repair.
 */
export async function checkFlakyTests(
  session: RepairSession,
  project: ProjectSetup,
  goal: RepairGoal,
): Promise<{ goal: RepairGoal } | { ending: RepairEnding }> {
  if (session.settings.flakyCheck === false || goal.stalled || goal.failing.length === 0) return { goal };
  session.emit({ type: 'flaky-check-started', tests: goal.failing.map((t) => t.id) });
  const flaky = await findFlakyTests(project, goal.failing, {
    ...session.settings,
    onProgress: (progress) => session.emit({ type: 'tests-progress', stage: 'flaky-check', ...progress }),
  });
  session.checkCancelled();
  if (!flaky.length) return { goal };
  const named = new Set(session.settings.focusTests ?? []);
  const repeat = flaky.filter((id) => named.has(id));
  const skipped = flaky.filter((id) => !named.has(id));
  session.flakyTests = flaky;
  session.emit({ type: 'flaky', tests: flaky, repaired: repeat, runs: FLAKY_FIX_RUNS });
  const narrowed: RepairGoal = {
    ...goal,
    failing: goal.failing.filter((t) => !skipped.includes(t.id)),
    focus: new Set([...goal.focus].filter((id) => !skipped.includes(id))),
    flaky: new Set(skipped),
    repeat: new Set(repeat),
  };
  if (narrowed.failing.length) return { goal: narrowed };
  return { ending: { status: 'unfixed', message: flakyMessage(skipped) } };
}

/** `tests/test_x.py::test_a is flaky: it failed, then passed on the unchanged code; not repaired` */
export function flakyMessage(tests: readonly string[]): string {
  const names = tests.length > 3 ? `${tests.slice(0, 3).join(', ')}, …` : tests.join(', ');
  const verb = tests.length === 1 ? 'is' : 'are';
  const them = tests.length === 1 ? 'it' : 'they';
  return `${names} ${verb} flaky: ${them} failed, then passed on the unchanged code; not repaired`;
}

/**
 * For a candidate that passed the flaky tests the user asked to repair once: runs them again
 * (FLAKY_FIX_RUNS - 1 times) in a fresh copy with its changes. Returns those that failed again.
 */
export async function unstableAfterFix(
  project: ProjectSetup,
  changes: readonly FileChange[],
  goal: RepairGoal,
  limits: TestRunLimits,
): Promise<string[]> {
  const tests = goal.failing.filter((t) => goal.repeat?.has(t.id));
  if (!tests.length) return [];
  const ids = tests.map((t) => t.id);
  const copy = await cloneSandbox(project.sandbox);
  try {
    for (const change of changes) await copy.writeFile(change.path, change.after);
    for (let run = 2; run <= FLAKY_FIX_RUNS; run++) {
      const statuses = await rerun(project, copy.root, tests, limits);
      const failed = ids.filter((id) => statuses.get(id) !== 'passed');
      if (failed.length) return failed;
    }
    return [];
  } finally {
    await copy.dispose();
  }
}
