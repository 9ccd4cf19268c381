/**
 * The memory of failed attempts (Reflexion, ChatRepair): the candidates earlier turns tried, each as
 * a short diff with why it failed, so the model can see what not to propose again.
 */
import { oneLine } from '../text';
import { isFailing } from '../testing/types';
import type { AttemptNote, TurnFeedback } from './prompt';
import { candidateName } from './turn-candidates';
import type { Candidate } from './types';

/** At most this many earlier attempts are listed, the most recent first; the prompt budget may keep fewer. */
const LISTED_ATTEMPTS = 8;
/** At most this many still-failing tests are named for one attempt. */
const NAMED_FAILURES = 3;

/**
 * The earlier turns' candidates that failed, each change once, most recent first. The previous
 * turn's chosen candidate is left out: the prompt shows it in full as the previous attempt.
 */
export function attemptNotes(candidates: readonly Candidate[], turn: number, previous?: TurnFeedback): AttemptNote[] {
  const seen = new Set<string>(previous?.patch ? [previous.patch] : []);
  const notes: AttemptNote[] = [];
  for (const candidate of [...candidates].reverse()) {
    if (candidate.turn >= turn || candidate.fixed || candidate.cancelled || candidate.sameAs) continue;
    const key = candidate.patch || `rejected: ${candidate.rejected}`;
    if (seen.has(key)) continue;
    seen.add(key);
    notes.push({ name: candidateName(candidate), patch: candidate.patch, failedBecause: failedBecause(candidate) });
    if (notes.length === LISTED_ATTEMPTS) break;
  }
  return notes;
}

/** Why a candidate was not a fix, in one line: rejected, tests broken, the run went wrong, or still failing. */
export function failedBecause(candidate: Candidate): string {
  if (candidate.rejected) return `it was rejected before any test ran: ${oneLine(candidate.rejected, 300)}`;
  const report = candidate.report;
  if (!report) return 'its tests never ran';
  const { passed, failed, errored } = report.counts;
  const counts = `${passed} passed, ${failed + errored} failed`;
  if (candidate.regressions.length) {
    const named = candidate.regressions.slice(0, NAMED_FAILURES).join(', ');
    const more =
      candidate.regressions.length > NAMED_FAILURES ? ` and ${candidate.regressions.length - NAMED_FAILURES} more` : '';
    return `it broke tests that passed before: ${named}${more} (${counts})`;
  }
  if (candidate.unstable?.length)
    return `a flaky test passed once with it, then failed again: ${candidate.unstable.join(', ')}`;
  if (report.runError) return `the test run went wrong: ${oneLine(report.runError, 300)}`;
  const still = report.tests.filter(isFailing).map((t) => t.id);
  const named = still.slice(0, NAMED_FAILURES).join(', ');
  return `the tests still fail${named ? `: ${named}` : ''}${still.length > NAMED_FAILURES ? ', …' : ''} (${counts})`;
}
