/**
 * Ranking the functions a failure may be in. Each candidate collects signals — how suspicious a
 * coverage spectrum finds it (Ochiai), how close it is to the innermost frame of the failure, and
 * whether the failing test calls it by name — and the signals add up to one score.
 */
import type { FunctionInfo } from '../syntax/types';
import { simpleName } from './sources';
import type { ExecutedFunction } from './types';

export interface Suspect {
  fn: FunctionInfo;
  /** Ochiai suspiciousness from the coverage spectrum, 0..1. */
  ochiai?: number;
  /** Position among the failure's frames in project code: 0 is the innermost. */
  frameDepth?: number;
  /** A failing test calls it by name. */
  called?: boolean;
  /** A failing test names it (passes it along, say) without calling it. */
  named?: boolean;
  /** Lines outside any function (module code a frame points into, or a file picked by size). */
  moduleLevel?: boolean;
}

/**
 * The innermost frame outweighs an outer frame the test also calls (where an exception surfaces is
 * the first place to look); a name match alone weighs less than any frame.
 */
const FRAME_WEIGHT = 1;
const CALLED_WEIGHT = 0.3;
const NAMED_WEIGHT = 0.15;

export function score(s: Suspect): number {
  const frame = s.frameDepth === undefined ? 0 : FRAME_WEIGHT / (1 + s.frameDepth);
  const name = s.called ? CALLED_WEIGHT : s.named ? NAMED_WEIGHT : 0;
  return (s.ochiai ?? 0) + frame + name;
}

/** Ochiai: ef / sqrt(totalFailed × (ef + ep)); 0 for a function no failing test ran. */
export function ochiai(failedRunning: number, passedRunning: number, totalFailed: number): number {
  if (failedRunning === 0 || totalFailed === 0) return 0;
  return failedRunning / Math.sqrt(totalFailed * (failedRunning + passedRunning));
}

/** Suspects by function, signals merged as they come in. */
export class SuspectList {
  private readonly byKey = new Map<string, Suspect>();

  note(fn: FunctionInfo, signals: Omit<Suspect, 'fn'>): void {
    const { startLine, endLine, startIndex, endIndex } = fn.range;
    const key = `${fn.file}:${startLine}-${endLine}:${startIndex}-${endIndex}`;
    const known = this.byKey.get(key);
    if (!known) {
      this.byKey.set(key, { fn, ...signals });
      return;
    }
    known.ochiai = maxOf(known.ochiai, signals.ochiai);
    known.frameDepth = minOf(known.frameDepth, signals.frameDepth);
    known.called = known.called || signals.called;
    known.named = known.named || signals.named;
    known.moduleLevel = known.moduleLevel || signals.moduleLevel;
  }

  /** Marks the suspects the failing tests call or name. */
  markNames(matchesCalled: (fn: FunctionInfo) => boolean, matchesNamed: (fn: FunctionInfo) => boolean): void {
    for (const s of this.byKey.values()) {
      if (matchesCalled(s.fn)) s.called = true;
      else if (matchesNamed(s.fn)) s.named = true;
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Most suspect first; ties go to what the test calls directly, then to the shorter function. */
  ranked(limit: number): Suspect[] {
    const lines = (s: Suspect) => s.fn.range.endLine - s.fn.range.startLine;
    return [...this.byKey.values()]
      .map((s, order) => ({ s, order, score: score(s) }))
      .sort(
        (a, b) =>
          b.score - a.score ||
          Number(b.s.called ?? false) - Number(a.s.called ?? false) ||
          lines(a.s) - lines(b.s) ||
          a.order - b.order,
      )
      .slice(0, limit)
      .map(({ s }) => s);
  }
}

function maxOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function minOf(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/**
 * The function of `functions` (one file's, in source order) a tracer means: the one starting on its
 * line (Python's `co_firstlineno` is the first decorator's line, as our ranges are), else the innermost
 * one around that line with the same simple name. Lambdas and comprehensions (`f.<locals>.<lambda>`,
 * anonymous in V8) stand for the named function around them.
 */
export function matchExecuted(
  executed: ExecutedFunction,
  functions: readonly FunctionInfo[],
): FunctionInfo | undefined {
  if (executed.name === '<module>') return undefined;
  const parts = executed.name.split('.');
  while (parts.length > 0 && parts[parts.length - 1]!.startsWith('<')) parts.pop();
  // V8 names accessors `get x`; anonymous functions have no name at all.
  const wanted = parts[parts.length - 1]?.split(' ').pop() || undefined;
  const sameName = (fn: FunctionInfo) => wanted === undefined || simpleName(fn.name) === wanted;
  const innermost = (list: FunctionInfo[]) => list[list.length - 1];
  const starting = functions.filter((fn) => fn.range.startLine === executed.line);
  const containing = functions.filter((fn) => fn.range.startLine <= executed.line && executed.line <= fn.range.endLine);
  return innermost(starting.filter(sameName)) ?? innermost(containing.filter(sameName));
}
