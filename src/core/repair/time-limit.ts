/**
 * How long a candidate's test run may take. A candidate that loops forever should cost seconds, not
 * the user's whole time limit, so the limit follows what the unchanged code needed: a few times the
 * baseline's duration, with a floor for a slow start on a busy machine, never above the user's limit.
 */
import type { TestReport } from '../testing/types';

/** A candidate may take this many times as long as the baseline took. */
export const CANDIDATE_TIME_FACTOR = 5;
/** ...but always at least this long: process start-up and a loaded machine vary more than tests do. */
export const CANDIDATE_TIME_FLOOR_MS = 10_000;

export interface CandidateTimeLimit {
  ms: number;
  /** What decided it: the baseline's duration, the floor, or the user's own limit. */
  basis: 'baseline' | 'floor' | 'user';
  /** How long the baseline took; absent when it was killed at the user's limit. */
  baselineMs?: number;
}

export function candidateTimeLimit(baseline: TestReport, userTimeoutMs: number): CandidateTimeLimit {
  // A baseline killed at the limit says nothing about how long a fixed run takes.
  if (baseline.timedOut) return { ms: userTimeoutMs, basis: 'user' };
  const baselineMs = baseline.durationMs;
  const scaled = CANDIDATE_TIME_FACTOR * baselineMs;
  if (userTimeoutMs <= Math.max(scaled, CANDIDATE_TIME_FLOOR_MS))
    return { ms: userTimeoutMs, basis: 'user', baselineMs };
  if (scaled <= CANDIDATE_TIME_FLOOR_MS) return { ms: CANDIDATE_TIME_FLOOR_MS, basis: 'floor', baselineMs };
  return { ms: Math.ceil(scaled / 1000) * 1000, basis: 'baseline', baselineMs };
}
