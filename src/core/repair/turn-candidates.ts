/**
 * A turn's candidates while they are verified: candidates with the same resulting files run the
 * tests once, a change an earlier turn already tested is not run again, and once one candidate is
 * verified as a fix the others' runs are stopped.
 */
import { createHash } from 'node:crypto';
import type { RepairSession } from './session';
import type { Candidate, FileChange } from './types';

/** Identifies what a candidate's files end up as, whatever the reply's form (diff, blocks, whole file). */
export function changesSignature(changes: readonly FileChange[]): string {
  const hash = createHash('sha256');
  for (const change of [...changes].sort((a, b) => a.path.localeCompare(b.path))) {
    hash.update(`${change.path}\0${change.after.length}\0${change.after}\0`);
  }
  return hash.digest('hex');
}

/** `candidate 1`, or `candidate 1 of turn 2` when it belongs to another turn than `turn`. */
export function candidateName(candidate: Pick<Candidate, 'index' | 'turn'>, turn?: number): string {
  return turn === candidate.turn
    ? `candidate ${candidate.index}`
    : `candidate ${candidate.index} of turn ${candidate.turn}`;
}

export class TurnCandidates {
  private readonly fixFound = new AbortController();
  /** Ends a candidate's test run: the caller's cancel, or a sibling verified as a fix. */
  readonly signal: AbortSignal;
  /** The outcome of the first candidate of this turn with each signature, once it is known. */
  private readonly outcomes = new Map<string, Promise<Candidate>>();
  private readonly settle = new Map<string, (candidate: Candidate) => void>();
  private fix?: Candidate;

  constructor(
    private readonly session: RepairSession,
    private readonly turn: number,
  ) {
    const caller = session.settings.signal;
    this.signal = caller ? AbortSignal.any([caller, this.fixFound.signal]) : this.fixFound.signal;
  }

  /** Before a screened candidate's run: true when it is settled without one (a fix was found, or a twin ran). */
  async beforeRun(candidate: Candidate): Promise<boolean> {
    if (this.fix) {
      candidate.cancelled = true;
      return true;
    }
    if (this.session.settings.dedupeCandidates === false) return false;
    const signature = changesSignature(candidate.changes);
    const earlier = this.session.tested.get(signature);
    if (earlier) {
      candidate.sameAs = earlier.id;
      candidate.rejected = `the same change as ${candidateName(earlier, this.turn)}, already tested: not run again`;
      return true;
    }
    const twin = this.outcomes.get(signature);
    if (twin) {
      shareOutcome(candidate, await twin);
      return true;
    }
    this.outcomes.set(signature, new Promise((resolve) => this.settle.set(signature, resolve)));
    return false;
  }

  /** After a candidate's verification: a fix stops its siblings; a twin waiting for this outcome gets it. */
  finished(candidate: Candidate): void {
    if (candidate.fixed && !this.fix) {
      this.fix = candidate;
      this.fixFound.abort();
    } else if (this.fix && !candidate.fixed && !candidate.sameAs && candidate.report?.runError) {
      // Its run was under way when the fix came in, and was stopped.
      candidate.cancelled = true;
    }
    if (candidate.changes.length) this.settle.get(changesSignature(candidate.changes))?.(candidate);
  }

  /** Why a cancelled candidate did not finish, in words. */
  cancelReason(): string {
    return `${this.fix ? candidateName(this.fix, this.turn) : 'a sibling'} was verified as a fix first`;
  }

  /** Once the turn is over: its candidates that ran count as tested for the turns to come. */
  remember(candidates: readonly Candidate[]): void {
    for (const candidate of candidates) {
      if (candidate.report && !candidate.cancelled && !candidate.sameAs)
        this.session.tested.set(changesSignature(candidate.changes), candidate);
    }
  }
}

/** A twin's verdict, given to a candidate whose files came out the same. */
function shareOutcome(candidate: Candidate, twin: Candidate): void {
  const { report, regressions, fixed, unstable, flags, rejected, cancelled } = twin;
  Object.assign(candidate, {
    sameAs: twin.id,
    regressions: [...regressions],
    fixed,
    ...(report && { report }),
    ...(unstable && { unstable }),
    ...(flags && { flags }),
    ...(rejected && { rejected }),
    ...(cancelled && { cancelled }),
  });
}
