import { chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Copies carry their owner in their name, `self-repair-<pid>.<start>-XXXXXX`, so that copies left by a
 * host that was killed outright can be told from those of a host still running, without any file inside
 * the copy (which the tests would see). `start` is the owner's start time in clock ticks after boot where
 * /proc gives it, which keeps a recycled pid from passing for the dead owner; 0 elsewhere.
 */
const OWNED_COPY = /^self-repair-(\d+)\.(\d+)-/;

/** The kernel leaves an overlay's work/work without any permission; unlocked first so that a user can remove it. */
const OVERLAY_WORK = path.join('work', 'work');

let ownTag: string | undefined;

export function ownerTag(): string {
  ownTag ??= `${process.pid}.${startTime(process.pid) ?? 0}`;
  return ownTag;
}

/** The mkdtemp prefix for a copy owned by this process. */
export function copyPrefix(): string {
  return `self-repair-${ownerTag()}-`;
}

/** True while the process that made a copy (or anything with its pid and start time) is running. */
export function ownerAlive(pid: number, start: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === 0) return true;
  const actual = startTime(pid);
  return actual === undefined || actual === start;
}

/** Removes the copies whose owner is gone; returns their paths. */
export async function removeLeftoverCopies(tmpDir = os.tmpdir()): Promise<string[]> {
  const names = await readdir(tmpDir).catch(() => [] as string[]);
  const dead = names.filter((name) => {
    const owner = OWNED_COPY.exec(name);
    return owner !== null && !ownerAlive(Number(owner[1]), Number(owner[2]));
  });
  const paths = dead.map((name) => path.join(tmpDir, name));
  await Promise.all(
    paths.map(async (copy) => {
      await chmod(path.join(copy, OVERLAY_WORK), 0o700).catch(() => undefined);
      await rm(copy, { recursive: true, force: true });
    }),
  );
  return paths;
}

const swept = new Set<string>();

/** Once per process and folder, in the background: the first copy a host makes need not wait for old ones to go. */
export function sweepLeftoverCopiesOnce(tmpDir = os.tmpdir()): void {
  if (swept.has(tmpDir)) return;
  swept.add(tmpDir);
  removeLeftoverCopies(tmpDir).catch(() => []);
}

/**
 * Removes this process's own copies at once, for a host that is about to exit without waiting for its
 * runs to dispose of them (a second Ctrl-C, an extension host shutting down).
 */
export function removeOwnCopiesSync(tmpDir = os.tmpdir()): void {
  const prefix = copyPrefix();
  let names: string[];
  try {
    names = readdirSync(tmpDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    try {
      chmodSync(path.join(tmpDir, name, OVERLAY_WORK), 0o700);
    } catch {
      // Not an overlay's layers, or already gone.
    }
    rmSync(path.join(tmpDir, name), { recursive: true, force: true });
  }
}

function startTime(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses; the fields after its closing one are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}
