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

/** CPU time (ms) the whole machine has spent busy (not idle), over all its cores. */
export function machineBusyMs(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0);
}

/**
 * Measures one test run: how many cores' worth of CPU it kept busy on average. Exact from the
 * children's CPU time where the run's processes were waited for; a run in bubblewrap's PID namespace
 * is not (its init is killed, not reaped), so then it is the machine's busy cores during the run:
 * an upper bound (everything else running counts too), which errs toward verifying one at a time.
 */
export class SuiteCost {
  private childAtStart?: number;
  private machineAtStart = 0;
  private startedAt = 0;
  /** Cores the measured run used (CPU time / wall time); undefined until measured. */
  cores?: number;

  start(): void {
    this.childAtStart = childCpuMs();
    this.machineAtStart = machineBusyMs();
    this.startedAt = Date.now();
  }

  finish(): void {
    const wall = Date.now() - this.startedAt;
    if (wall <= 0) return;
    const child = childCpuMs();
    const childCores = child !== undefined && this.childAtStart !== undefined ? (child - this.childAtStart) / wall : 0;
    this.cores = childCores > 0 ? childCores : (machineBusyMs() - this.machineAtStart) / wall;
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
