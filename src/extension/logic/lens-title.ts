import { oneLine } from './text';

/**
 * One label per failing test, e.g. `$(wrench) Self-repair: fix "test_mean" — assert 3.0 == 2.0`:
 * a single lens, so VS Code draws no `|` between a button and its reason, and the whole label is
 * the button.
 */
export function lensTitle(testName: string, reasons: readonly string[]): string {
  const head = `$(wrench) Self-repair: fix "${oneLine(testName, 40)}"`;
  const reason = oneLine(reasons[0] ?? '', 72);
  const more = reasons.length > 1 ? ` (+${reasons.length - 1} more)` : '';
  return reason ? `${head} — ${reason}${more}` : `${head}${more}`;
}
