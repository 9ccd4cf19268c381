/**
 * Where a repair's time went, from the engine's events as they arrived: per turn, its wall time, the
 * time a model request was open, the time a test process ran, and what is left: the harness overhead
 * (localizing, prompting, parsing and applying replies, copying and cleaning sandboxes, deciding).
 */
import type { RepairEvent } from '../../src/core/index';

export interface TimedEvent {
  at: number;
  /** CPU time this process had used (user + system, ms): the harness's own work, whatever the machine's load. */
  cpu: number;
  event: RepairEvent;
}

export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export interface TurnTiming {
  turn: number;
  wallMs: number;
  modelMs: number;
  testMs: number;
  overheadMs: number;
  /** CPU time of the bench process in the turn: the engine's work plus the scripted server's (small). */
  cpuMs: number;
}

type Interval = [number, number];

/** Total length of intervals that may overlap (candidates are asked and verified concurrently). */
export function unionLength(intervals: Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of sorted) {
    // Only the part of [a, b] past what is already counted adds to the total.
    if (b > end) total += b - Math.max(a, end);
    end = Math.max(end, b);
  }
  return total;
}

/** The events of each turn: from its turn-started to the next one (or the end of the repair). */
function splitTurns(
  events: TimedEvent[],
): Array<{ turn: number; start: number; end: number; cpuMs: number; events: TimedEvent[] }> {
  const starts = events.flatMap((e, k) => (e.event.type === 'turn-started' ? [k] : []));
  return starts.map((k, i) => {
    const stop = starts[i + 1] ?? events.length - 1;
    const first = events[k]!;
    return {
      turn: (first.event as { turn: number }).turn,
      start: first.at,
      end: events[stop]!.at,
      cpuMs: events[stop]!.cpu - first.cpu,
      events: events.slice(k, stop + 1),
    };
  });
}

export function turnTimings(events: TimedEvent[]): TurnTiming[] {
  return splitTurns(events).map(({ turn, start, end, cpuMs, events: inTurn }) => {
    const model: Interval[] = [];
    const tests: Interval[] = [];
    const opened = new Map<number, number>();
    for (const { at, event } of inTurn) {
      if (event.type === 'request-started') opened.set(event.candidate, at);
      if (event.type === 'request-finished') model.push([opened.get(event.candidate) ?? start, at]);
      if (event.type === 'candidate-verified' || event.type === 'candidate-rejected') {
        // A run's own measured duration, ending when its candidate was reported.
        // (With staged verification, the failing tests' run and the whole suite's, one after the other.)
        const ran = event.candidate.testMs ?? event.candidate.report?.durationMs ?? 0;
        if (ran > 0) tests.push([at - ran, at]);
      }
    }
    const modelMs = unionLength(model);
    const testMs = unionLength(tests);
    const wallMs = end - start;
    const busyMs = unionLength([...model, ...tests]);
    return { turn, wallMs, modelMs, testMs, overheadMs: Math.max(0, wallMs - busyMs), cpuMs };
  });
}

export function median(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
