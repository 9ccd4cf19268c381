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

/** End with a fix, go on from a new state, or stop because the model only repeats itself. */
export type Decision = { fixed: Candidate } | { next: TurnState } | { repeated: string };

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
  const repeated = repetition(verified, state);
  if (repeated) return { repeated };
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
    failing: state.failing.map((t) => t.id),
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

/**
 * `the model repeats itself: …` when every candidate of the turn is a change an earlier turn already
 * tested (see TurnCandidates), for the same failing tests as the turn before: another turn would
 * most likely bring the same again.
 */
function repetition(verified: readonly Candidate[], state: TurnState): string | undefined {
  const ids = new Set(verified.map((c) => c.id));
  const repeats = verified.filter((c) => c.sameAs && !ids.has(c.sameAs));
  if (!state.previous?.failing || repeats.length === 0 || repeats.length < verified.length) return undefined;
  const shown = state.failing.map((t) => t.id);
  const same =
    shown.length === state.previous.failing.length && shown.every((id, i) => id === state.previous!.failing![i]);
  if (!same) return undefined;
  const earlier = [...new Set(repeats.map((c) => c.sameAs!))].join(', ');
  const turn = verified[0]!.turn;
  return `the model repeats itself: turn ${turn} proposed only changes already tested (${earlier}) for the same failing tests`;
}
