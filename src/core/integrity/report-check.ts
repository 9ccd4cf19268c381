import type { TestReport } from '../testing/types';

/**
 * The report a run left against the runner's own exit status: pytest and node --test exit 0 exactly
 * when every test they ran passed, so a report of "all pass" from a run that exited otherwise (or was
 * killed) was written by something other than the runner. One line saying so, or undefined.
 */
export function reportDisagreement(report: TestReport): string | undefined {
  if (report.tests.length === 0 || report.tests.some((t) => t.status === 'failed' || t.status === 'errored'))
    return undefined;
  // A run killed at the time limit is already no fix, and says so itself.
  if (report.exitCode === 0 || report.timedOut) return undefined;
  const exit = report.exitCode === null ? 'was killed' : `exited with ${report.exitCode}`;
  return `the test report disagrees with the runner: it says ${report.counts.passed} passed and none failed, but the run ${exit}`;
}
