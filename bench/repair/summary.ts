/** The figures of one strategy's run over the tasks, and the table rows that show them. */
import type { TaskRun } from './run';
import { median, percentile } from './timing';

export interface Summary {
  strategy: string;
  tasks: number;
  fixed: number;
  /** Fixes per turn: index 0 is turn 1. */
  fixedByTurn: number[];
  requests: number;
  tokens: number;
  requestsPerFix: number;
  tokensPerFix: number;
  turns: number;
  overheadMsPerTurnMedian: number;
  overheadMsPerTurnP90: number;
  /** CPU time the bench process spent per turn: the overhead without the machine's load in it. */
  harnessCpuMsPerTurnMedian: number;
  modelMsPerTurnMedian: number;
  testMsPerTurnMedian: number;
  prepareMsMedian: number;
  /** Reference mode: fix replies the engine applied (reached the tests), of those it read. */
  fixRepliesApplied: number;
  fixReplies: number;
  /** Reference mode, per edit format: applied / read. */
  appliedByFormat: Record<string, string>;
  seconds: number;
  unfixed: string[];
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

export function summarize(strategy: string, runs: TaskRun[], maxTurns: number, seconds: number): Summary {
  const fixed = runs.filter((r) => r.fixedTurn !== undefined);
  const fixedByTurn = Array.from({ length: maxTurns }, (_, k) => fixed.filter((r) => r.fixedTurn === k + 1).length);
  const turns = runs.flatMap((r) => r.turns);
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const tokens = runs.reduce((sum, r) => sum + r.tokens, 0);
  const fixReplies = runs
    .flatMap((r) => r.replies)
    .flatMap((o) => ('fix' in o.kind ? [{ ...o, format: o.kind.fix }] : []));
  const appliedByFormat: Record<string, string> = {};
  for (const format of [...new Set(fixReplies.map((o) => o.format))].sort()) {
    const of = fixReplies.filter((o) => o.format === format);
    appliedByFormat[format] = `${of.filter((o) => o.applied).length}/${of.length}`;
  }
  return {
    strategy,
    tasks: runs.length,
    fixed: fixed.length,
    fixedByTurn,
    requests,
    tokens,
    requestsPerFix: fixed.length ? round(requests / fixed.length, 2) : 0,
    tokensPerFix: fixed.length ? Math.round(tokens / fixed.length) : 0,
    turns: turns.length,
    overheadMsPerTurnMedian: round(median(turns.map((t) => t.overheadMs))),
    overheadMsPerTurnP90: round(
      percentile(
        turns.map((t) => t.overheadMs),
        90,
      ),
    ),
    harnessCpuMsPerTurnMedian: round(median(turns.map((t) => t.cpuMs))),
    modelMsPerTurnMedian: round(median(turns.map((t) => t.modelMs))),
    testMsPerTurnMedian: round(median(turns.map((t) => t.testMs))),
    prepareMsMedian: Math.round(median(runs.map((r) => r.prepareMs))),
    fixRepliesApplied: fixReplies.filter((o) => o.applied).length,
    fixReplies: fixReplies.length,
    appliedByFormat,
    seconds: Math.round(seconds),
    unfixed: runs.filter((r) => r.fixedTurn === undefined).map((r) => `${r.id} (${r.message})`),
  };
}

const HEADER = [
  'strategy',
  'fixed',
  'by turn',
  'requests/fix',
  'tokens/fix',
  'overhead/turn ms (median, p90)',
  'harness CPU ms/turn',
  'model ms/turn',
  'tests ms/turn',
  'prepare ms',
  'fix replies applied',
  'time s',
];

function row(s: Summary): string[] {
  return [
    s.strategy,
    `${s.fixed}/${s.tasks}`,
    s.fixedByTurn.join(' / '),
    String(s.requestsPerFix),
    String(s.tokensPerFix),
    `${s.overheadMsPerTurnMedian}, ${s.overheadMsPerTurnP90}`,
    String(s.harnessCpuMsPerTurnMedian),
    String(s.modelMsPerTurnMedian),
    String(s.testMsPerTurnMedian),
    String(s.prepareMsMedian),
    s.fixReplies ? `${s.fixRepliesApplied}/${s.fixReplies}` : '-',
    String(s.seconds),
  ];
}

/** A Markdown table, as the README shows it. */
export function table(summaries: Summary[]): string {
  const lines = [HEADER, HEADER.map(() => '---'), ...summaries.map(row)];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
