import path from 'node:path';
import { diffLines } from 'diff';
import type { Candidate } from '../../core';
import { passCount } from './reason';

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

/** The explanation beside the diff: why, what changed, what the tests said. */
export function explanationMarkdown(candidate: Candidate, position: number, count: number): string {
  const files = candidate.changes.map((c) => `\`${c.path}\`${c.created ? ' (new)' : ''}`).join(', ');
  const fence = candidate.patch.includes('```') ? '~~~~' : '```';
  return [
    `# ${candidateLabel(candidate, position, count)}`,
    '',
    `Turn ${candidate.turn}, candidate ${candidate.index} · changes ${files || 'nothing'} · verified by running the tests in a copy of the project.`,
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
    'Accept or Reject from the diff editor\u2019s title bar, or with **Self-repair: Accept Candidate** / **Reject Candidate** in the Command Palette.',
    '',
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
