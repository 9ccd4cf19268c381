/** Small text helpers shared by the status bar, code lens, log and review (no `vscode` here). */

export { firstSentence, oneLine, plural } from '../../core';

/** `812`, `1.2k`, `12k`, `1.2M`: token counts at a glance. */
export function formatCount(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${trimZero((n / 1000).toFixed(1))}k`;
  if (n < 999_500) return `${Math.round(n / 1000)}k`;
  return `${trimZero((n / 1_000_000).toFixed(1))}M`;
}

function trimZero(value: string): string {
  return value.replace(/\.0$/, '');
}
