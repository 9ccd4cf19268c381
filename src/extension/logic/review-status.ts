import { plural } from './text';

/** How a review ended, for the status bar (shown a few seconds, then the item hides). */
export type ReviewOutcome =
  | { kind: 'accepted' }
  | { kind: 'partial'; accepted: number; total: number }
  | { kind: 'rejected' }
  | { kind: 'closed' }
  | { kind: 'refused' };

export function reviewOutcomeText(outcome: ReviewOutcome): string {
  switch (outcome.kind) {
    case 'accepted':
      return '$(check) Self-repair: accepted';
    case 'partial':
      return `$(warning) Self-repair: accepted ${outcome.accepted} of ${plural(outcome.total, 'change')} (not verified by the tests)`;
    case 'rejected':
      return '$(close) Self-repair: rejected';
    case 'closed':
      return '$(close) Self-repair: review closed, nothing changed';
    case 'refused':
      return '$(error) Self-repair: not applied (your edits are in the way)';
  }
}

/** The status bar while a candidate is under review: `Self-repair: fixed · reviewing candidate 1/2 (4/4 tests pass)`. */
export function reviewingText(label: string): string {
  return `$(eye) Self-repair: fixed · reviewing ${label.replace(/^Self-repair /, '')}`;
}

/** The message after some, not all, of a candidate's changes were accepted. */
export function partialWarning(accepted: number, total: number): string {
  return `Self-repair: you accepted ${accepted} of the candidate's ${plural(total, 'change')}; this combination was not verified by the tests: run them.`;
}
