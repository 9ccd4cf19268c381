import path from 'node:path';
import { diffLines } from 'diff';
import type { Candidate } from '../../core';
import { passCount } from './reason';
import { firstSentence, formatCount, oneLine } from './text';

/** What the review knows about the repair beyond the candidate: tokens spent, the earlier turns' attempts. */
export interface ReviewContext {
  tokens: number;
  /** Candidates of other turns or indices (verified but not fixing, or fixing less well), best first. */
  earlier: Candidate[];
}

/** `(4/4 tests pass)` */
export function testsPassLabel(candidate: Pick<Candidate, 'report'>): string {
  const { passed, total } = passCount(candidate.report);
  return `(${passed}/${total} tests pass)`;
}

/** `Self-repair candidate 1/2 (4/4 tests pass)` */
export function candidateLabel(candidate: Pick<Candidate, 'report'>, position: number, count: number): string {
  return `Self-repair candidate ${position}/${count} ${testsPassLabel(candidate)}`;
}

/** The diff editor's title: `core.py ↔ Self-repair candidate 1/2 (4/4 tests pass)`. */
export function diffTitle(file: string, candidate: Pick<Candidate, 'report'>, position: number, count: number): string {
  return `${path.posix.basename(file)} ↔ ${candidateLabel(candidate, position, count)}`;
}

/** `turn 1 · 4/4 tests pass · 1.2k tokens` */
export function candidateFacts(candidate: Candidate, tokens: number): string {
  const { passed, total } = passCount(candidate.report);
  return [
    `turn ${candidate.turn}`,
    `${passed}/${total} tests pass`,
    ...(tokens ? [`${formatCount(tokens)} tokens`] : []),
  ].join(' · ');
}

/** The lens line over the candidate: `Why: It divides by len(xs) - 1. · turn 1 · 4/4 tests pass · 1.2k tokens`. */
export function whyLine(candidate: Candidate, tokens: number, max = 110): string {
  const why = firstSentence(candidate.explanation, max) || 'the model gave no explanation';
  return `Why: ${why} · ${candidateFacts(candidate, tokens)}`;
}

/** The earlier turns' explanations, for the end of the explanation document. */
function earlierTurns(earlier: readonly Candidate[]): string[] {
  if (!earlier.length) return [];
  const turns = [...earlier].sort((a, b) => a.turn - b.turn || a.index - b.index);
  return [
    '## Earlier attempts',
    '',
    ...turns.flatMap((c) => [
      `### Turn ${c.turn}, candidate ${c.index} ${testsPassLabel(c)}${c.rejected ? ` — not run: ${oneLine(c.rejected)}` : ''}`,
      '',
      c.explanation.trim() || '_The model gave no explanation._',
      '',
    ]),
  ];
}

/** The explanation beside the diff: why, what changed, what the tests said, and the earlier turns. */
export function explanationMarkdown(
  candidate: Candidate,
  position: number,
  count: number,
  context: ReviewContext = { tokens: 0, earlier: [] },
): string {
  const files = candidate.changes.map((c) => `\`${c.path}\`${c.created ? ' (new)' : ''}`).join(', ');
  const fence = candidate.patch.includes('```') ? '~~~~' : '```';
  return [
    `# ${candidateLabel(candidate, position, count)}`,
    '',
    `Turn ${candidate.turn}, candidate ${candidate.index} · changes ${files || 'nothing'} · verified by running the tests in a copy of the project${context.tokens ? ` · the repair used ${formatCount(context.tokens)} tokens` : ''}.`,
    '',
    '## Why the test failed, and the fix',
    '',
    candidate.explanation.trim() || '_The model gave no explanation._',
    '',
    '## Patch',
    '',
    `${fence}diff`,
    candidate.patch.replace(/\n$/, ''),
    fence,
    '',
    'Accept or Reject with the buttons over the change in your editor or in the diff editor\u2019s title bar, or with **Self-repair: Accept Candidate** / **Reject Candidate** in the Command Palette.',
    '',
    ...earlierTurns(context.earlier),
  ].join('\n');
}

/** 0-based lines of `after` that the candidate added or changed (where its explanation is offered on hover). */
export function changedLines(before: string, after: string): Set<number> {
  const lines = new Set<number>();
  let line = 0;
  for (const part of diffLines(before, after)) {
    const count = part.count ?? part.value.split('\n').length - (part.value.endsWith('\n') ? 1 : 0);
    if (part.removed) continue;
    if (part.added) for (let i = 0; i < count; i++) lines.add(line + i);
    line += count;
  }
  return lines;
}
