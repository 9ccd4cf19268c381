/** When the baseline run is killed at its time limit: run it again with a per-test limit to name the hung test. */
import { findHungTest, withPerTestTimeout } from '../testing';
import type { TestCaseResult } from '../testing/types';
import { runTestsIn, type ProjectSetup, type TestRunLimits } from './prepare';

/**
 * Each test's limit in the second run: a quarter of the run's, between 1 and 10 s. Short, so that
 * the hung test is caught before the run's own limit, however late in the run it starts; and a test
 * that is merely slow only costs pytest a stack dump (node fails it, but this run judges nothing).
 */
export function perTestSeconds(runTimeoutMs: number): number {
  return Math.min(10, Math.max(1, Math.floor(runTimeoutMs / 4000)));
}

/** The hung test with where it was stuck, or undefined when the framework cannot say. */
export async function nameHungTest(project: ProjectSetup, limits: TestRunLimits): Promise<TestCaseResult | undefined> {
  const seconds = perTestSeconds(limits.timeoutMs);
  const command = withPerTestTimeout(project.adapter, project.command, seconds);
  if (!command) return undefined;
  const root = project.sandbox.root;
  const report = await runTestsIn({ ...project, command }, root, limits);
  return findHungTest(project.adapter, report, root, seconds);
}
