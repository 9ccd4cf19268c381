/**
 * How many candidates to verify at once. Each verification runs the whole suite: two suites that
 * each keep a core busy, run together on two cores, take twice as long each, so running them at
 * once saves nothing and delays the first verdict (and with it the cancelling of the others). The
 * baseline run measures what the suite costs; the machine says what there is.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Linux's USER_HZ: /proc reports CPU times in these ticks, 100 a second on every common platform. */
const TICKS_PER_SECOND = 100;

/**
 * CPU time (ms) this process's finished children have used: `cutime` + `cstime` of /proc/self/stat,
 * which take in every child it waited for and what they waited for (the test runner, its workers).
 * Undefined where there is no /proc.
 */
export function childCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name, in parentheses, may hold spaces: the fields start after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5), counted from pid = 1; here the list starts at field 3.
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/** Measures one test run: how many cores' worth of CPU it kept busy on average. */
export class SuiteCost {
  private cpuAtStart?: number;
  private startedAt = 0;
  /** Cores the measured run used (CPU time / wall time); undefined until measured, or where it cannot be. */
  cores?: number;

  start(): void {
    this.cpuAtStart = childCpuMs();
    this.startedAt = Date.now();
  }

  finish(): void {
    const cpu = childCpuMs();
    const wall = Date.now() - this.startedAt;
    if (this.cpuAtStart === undefined || cpu === undefined || wall <= 0) return;
    this.cores = (cpu - this.cpuAtStart) / wall;
  }
}

/**
 * Candidates verified at once, out of `count`: one at a time on two cores or fewer, or when a suite
 * run keeps more than one core busy; else half the cores (the rest for the host, the sandbox's
 * helpers and the model's streaming), never more than there are candidates.
 */
export function verifyConcurrency(
  count: number,
  suiteCores: number | undefined,
  cores: number = os.availableParallelism(),
): number {
  if (count <= 1 || cores <= 2) return 1;
  if (suiteCores !== undefined && suiteCores > 1) return 1;
  return Math.max(1, Math.min(count, Math.floor(cores / 2)));
}
