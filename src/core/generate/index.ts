/**
 * Generate mode: implement a stub so that the tests that call it pass. It enters the repair loop
 * through `RepairOptions.generate`: the loop asks the plan made here for the tests that count (the
 * callers failing at the baseline) and for its first prompt; every later turn is a repair turn.
 */
import { SelfRepairError } from '../errors';
import type { RepairPrompt } from '../repair/prompt';
import type { RepairTask } from '../repair/prepare';
import { selectAdapter } from '../testing';
import { isFailing, type TestReport } from '../testing/types';
import { callersPass, failingCallers, findCallingTests } from './calling-tests';
import { buildGeneratePrompt } from './prompt';
import { findTargetStub, type GenerateTarget } from './target';

export type { GenerateTarget } from './target';
export { findStubs, functionShapes, isStub, type FunctionShape, type Stub } from './stubs';
export { GENERATE_SYSTEM_PROMPT } from './prompt';

/** What the loop asks of a generate run. */
export interface GeneratePlan {
  /** The baseline's failing tests that call the stub: the tests the new code must make pass. */
  focus(baseline: TestReport): string[];
  /** The first turn's request. */
  firstPrompt(task: RepairTask, maxTokens?: number): RepairPrompt;
  /**
   * Whether a candidate's report may count as a fix: always, unless the stub's code did not build at the
   * baseline; then its callers must have run and passed, since only the build failed before.
   */
  accepts(report: TestReport): boolean;
}

/**
 * Finds the stub and the tests that call it, before any test runs; a one-line error when the function
 * is not there, is not a stub, or no test calls it.
 */
export async function planGeneration(
  projectRoot: string,
  testCommand: string | undefined,
  target: GenerateTarget,
): Promise<GeneratePlan> {
  const found = await findTargetStub(projectRoot, target);
  const adapter = await selectAdapter(projectRoot, testCommand);
  const calling = await findCallingTests(projectRoot, adapter, found.file, found.stub.simpleName);
  const name = found.stub.simpleName;
  if (!calling.callers.length)
    throw new SelfRepairError('generate-target', `no test calls ${name}: write a test that calls ${name} first`);
  let builtNot = false;
  return {
    focus(baseline) {
      const focus = failingCallers(baseline, calling);
      if (focus.length) return focus;
      // A stub that leaves the code unbuildable fails no test by name: the build is what it must fix.
      const unbuilt = baseline.tests.filter((t) => t.buildError && isFailing(t)).map((t) => t.id);
      builtNot = unbuilt.length > 0;
      if (builtNot) return unbuilt;
      const ids = calling.callers.map((c) => c.definition.fullName).join(', ');
      throw new SelfRepairError(
        'generate-target',
        `the tests that call ${name} (${ids}) do not fail with the stub: make one check what ${name} returns`,
      );
    },
    accepts(report) {
      return !builtNot || callersPass(report, calling);
    },
    firstPrompt(task, maxTokens) {
      return buildGeneratePrompt({
        found,
        testCommand: task.project.command,
        failing: task.goal.failing,
        callers: calling.callers,
        maxTokens,
      });
    },
  };
}
