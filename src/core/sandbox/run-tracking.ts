import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { ownerTag } from './leftovers';
import { PidsCgroup } from './pids-cgroup';
import { startWatchdog, type Watchdog } from './watchdog';

/**
 * Finds every process of one run, including those that left its process group (`setsid`, a double fork):
 *   - the process group, which the runner creates;
 *   - the run's pids cgroup, where the system lets us make one (inescapable without cgroup rights);
 *   - else, on Linux, a marker variable in the run's environment, looked up in /proc/<pid>/environ.
 *     Processes inherit it; one that starts another with a cleared environment (`env -i`) is lost to it.
 *   - on systems without /proc (macOS), the group alone: a process that calls setsid is not found.
 */
export class RunTracking {
  readonly marker: string;
  private pgid: number | undefined;
  private readonly watchdog: Watchdog;

  private constructor(
    readonly id: string,
    readonly cgroup: PidsCgroup | undefined,
  ) {
    // Not under the SELF_REPAIR_ prefix, which sandboxEnv scrubs: a run nested in a run keeps both markers.
    this.marker = `REPAIR_SANDBOX_RUN_${id}`;
    this.watchdog = startWatchdog(this.marker, cgroup?.dir);
    liveRuns.add(this);
  }

  static start(options: { maxProcesses: number; useCgroup: boolean }): RunTracking {
    const id = randomBytes(6).toString('hex');
    const cgroup = options.useCgroup
      ? PidsCgroup.create(`self-repair-${ownerTag()}-${id}`, options.maxProcesses)
      : undefined;
    return new RunTracking(id, cgroup);
  }

  get env(): Record<string, string> {
    return { [this.marker]: '1' };
  }

  /** Called once the run's first process (the group leader) exists. */
  attach(pgid: number): void {
    this.pgid = pgid;
    this.watchdog.watchGroup(pgid);
  }

  /** Pids of the run's processes outside of (or also in) its group that we can see. */
  processes(): number[] {
    const found = new Set(this.cgroup?.processes() ?? []);
    if (!this.cgroup) for (const pid of markedProcesses(this.marker)) found.add(pid);
    found.delete(process.pid);
    return [...found];
  }

  /** True while any process of the run is left. */
  alive(): boolean {
    return (this.pgid !== undefined && signalGroup(this.pgid, 0)) || this.processes().length > 0;
  }

  /** Sends `signal` to the group and to every process found; true when anything was there to signal. */
  signal(signal: NodeJS.Signals): boolean {
    let any = this.pgid !== undefined && signalGroup(this.pgid, signal);
    for (const pid of this.processes()) {
      try {
        process.kill(pid, signal);
        any = true;
      } catch {
        // Already gone.
      }
    }
    return any;
  }

  /** SIGKILL until nothing is found: a process can fork between our listing and our kill. */
  killAll(rounds = 20): void {
    for (let round = 0; round < rounds && this.signal('SIGKILL'); round++) {
      // A busy loop is fine: rounds are few, and each kill frees processes rather than making them.
    }
  }

  /** The process limit: the kernel refused a fork (cgroup), or we counted more processes than allowed. */
  overLimit(maxProcesses: number): boolean {
    return this.cgroup ? this.cgroup.limitReached() : markedProcesses(this.marker).length > maxProcesses;
  }

  /** The run is over: the watchdog stands down and the cgroup goes (once empty). */
  release(): void {
    liveRuns.delete(this);
    this.watchdog.release();
    if (this.cgroup) removeWhenEmpty(this.cgroup);
  }
}

const liveRuns = new Set<RunTracking>();

/** Killed processes leave the cgroup a moment after the kill; until then it cannot be removed. */
function removeWhenEmpty(cgroup: PidsCgroup, attempts = 50): void {
  if (cgroup.remove() || attempts <= 1) return;
  setTimeout(() => removeWhenEmpty(cgroup, attempts - 1), 100).unref();
}

/**
 * Kills every process of every run still going, synchronously: for a host that exits now (process.exit,
 * a second Ctrl-C, extension shutdown). A signal that kills Node outright skips this; the watchdog covers it.
 */
export function killAllRuns(): void {
  for (const run of liveRuns) {
    run.killAll();
    run.release();
  }
}

process.once('exit', killAllRuns);

/** Returns false when no process of the group is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Pids whose environment holds `marker=1`; empty where there is no /proc. */
export function markedProcesses(marker: string): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const entry = Buffer.from(`${marker}=1\0`);
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${name}/environ`);
    } catch {
      continue;
    }
    const at = environ.indexOf(entry);
    if (at === 0 || (at > 0 && environ[at - 1] === 0)) pids.push(Number(name));
  }
  return pids;
}
