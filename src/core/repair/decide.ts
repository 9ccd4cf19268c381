/** The decide stage: rank a turn's candidates, then end with a fix or keep or drop the best change. */
import type { TestReport } from '../testing/types';
import type { RepairGoal } from './prepare';
import { failingTests } from './prompt';
import type { TurnState } from './turn';
import type { Candidate, PassFail } from './types';

export function passFail(report: TestReport | undefined): PassFail {
  if (!report) return { passed: 0, failed: 0 };
  // A killed run counts as one failure more: whatever it did not finish did not pass.
  return {
    passed: report.counts.passed,
    failed: report.counts.failed + report.counts.errored + (report.timedOut ? 1 : 0),
  };
}

/** Fixed first, then no regressions, more passing, fewer failing, smaller patch. */
export function rankCandidates(candidates: Candidate[]): Candidate[] {
  const score = (c: Candidate): number[] => [
    c.fixed ? 0 : 1,
    c.rejected ? 1 : 0,
    c.regressions.length ? 1 : 0,
    -(c.report?.counts.passed ?? -1),
    c.report ? c.report.counts.failed + c.report.counts.errored : Infinity,
    c.patch.length,
  ];
  return [...candidates].sort((a, b) => {
    const sa = score(a);
    const sb = score(b);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i]! - sb[i]!;
    return 0;
  });
}

export type Decision = { fixed: Candidate } | { next: TurnState };

export interface DecideInput {
  /** The turn's candidates, verified (at least one). */
  verified: Candidate[];
  /** The state the turn started from. */
  state: TurnState;
  baseline: TestReport;
  goal: RepairGoal;
  focusTests?: string[];
}

/**
 * Ends the repair with the best candidate when it is a fix. Otherwise the next turn builds on the
 * best change when it helped without breaking anything, or starts again from the original code, so
 * one bad turn does not poison the next; either way the model hears what came of its attempt.
 */
export function decide({ verified, state, baseline, goal, focusTests }: DecideInput): Decision {
  const top = rankCandidates(verified)[0]!;
  if (top.fixed) return { fixed: top };
  const reference = state.kept.size ? passFail(state.previous?.report) : passFail(baseline);
  const helped =
    !top.rejected &&
    !!top.report &&
    !top.report.runError &&
    top.regressions.length === 0 &&
    !top.unstable?.length &&
    passFail(top.report).failed < reference.failed;
  const previous = {
    turn: top.turn,
    explanation: top.explanation,
    patch: top.patch,
    rejected: top.rejected,
    report: top.report,
    regressions: top.regressions,
    kept: helped,
  };
  if (!helped) return { next: { kept: new Map(), failing: goal.failing, previous } };
  const still = failingTests(top.report!, focusTests).filter((t) => !goal.flaky?.has(t.id));
  return {
    next: {
      kept: new Map(top.changes.map((c) => [c.path, c.after])),
      failing: still.length ? still : goal.failing,
      previous,
    },
  };
}
