import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * A cgroup with the pids controller for one run. Membership is inherited by every process the run starts,
 * `setsid` and double forks included, and cannot be left without write access to the cgroup tree; the
 * kernel refuses forks past `pids.max`, which is what stops a fork bomb. Created only where the system lets
 * us write the cgroup tree (root, or a delegated subtree); elsewhere `create` gives undefined.
 */
export class PidsCgroup {
  private constructor(readonly dir: string) {}

  static create(name: string, maxTasks: number): PidsCgroup | undefined {
    for (const parent of ownCgroupDirs()) {
      const made = tryCreate(path.join(parent, name), maxTasks);
      if (made) return new PidsCgroup(made);
    }
    return undefined;
  }

  /** Writing a pid here moves that process into the cgroup. */
  get procsFile(): string {
    return path.join(this.dir, 'cgroup.procs');
  }

  /** Processes in this cgroup and below it (a nested run makes its own cgroup inside ours). */
  processes(): number[] {
    const pids: number[] = [];
    const walk = (dir: string): void => {
      const text = readOrEmpty(path.join(dir, 'cgroup.procs'));
      for (const line of text.split('\n')) if (line) pids.push(Number(line));
      for (const child of subdirectories(dir)) walk(path.join(dir, child));
    };
    walk(this.dir);
    return pids;
  }

  /** True once the kernel has refused a fork because of `pids.max`. */
  limitReached(): boolean {
    const events = /^max (\d+)$/m.exec(readOrEmpty(path.join(this.dir, 'pids.events')));
    return !!events && Number(events[1]) > 0;
  }

  /** Fails (returns false) while processes are still in it. */
  remove(): boolean {
    return removeTree(this.dir);
  }
}

function tryCreate(dir: string, maxTasks: number): string | undefined {
  try {
    mkdirSync(dir);
  } catch {
    return undefined;
  }
  try {
    // On cgroup v2 the file exists only when the parent hands the pids controller down.
    if (!existsSync(path.join(dir, 'pids.max'))) throw new Error('no pids controller');
    writeFileSync(path.join(dir, 'pids.max'), String(maxTasks));
    return dir;
  } catch {
    removeTree(dir);
    return undefined;
  }
}

let ownDirs: string[] | undefined;

/** Our own cgroup's directory in each mounted hierarchy that may carry the pids controller (v1 first). */
function ownCgroupDirs(): string[] {
  ownDirs ??= findOwnCgroupDirs();
  return ownDirs;
}

function findOwnCgroupDirs(): string[] {
  if (process.platform !== 'linux') return [];
  const memberships = readOrEmpty('/proc/self/cgroup').split('\n');
  const v1 = memberships
    .map((line) => /^\d+:([^:]*):(.*)$/.exec(line))
    .find((m) => m && m[1].split(',').includes('pids'));
  const v2 = memberships.map((line) => /^0::(.*)$/.exec(line)).find(Boolean);
  const dirs: string[] = [];
  for (const mount of readOrEmpty('/proc/self/mountinfo').split('\n')) {
    const [before, after] = mount.split(' - ');
    if (!before || !after) continue;
    const [, , , root, mountPoint] = before.split(' ');
    const [fsType, , superOptions = ''] = after.split(' ');
    const own =
      fsType === 'cgroup' && superOptions.split(',').includes('pids')
        ? v1?.[2]
        : fsType === 'cgroup2'
          ? v2?.[1]
          : undefined;
    if (own === undefined || !root || !mountPoint) continue;
    const relative = path.posix.relative(root, own);
    if (relative.startsWith('..')) continue;
    const dir = path.join(unescapeMount(mountPoint), relative);
    if (fsType === 'cgroup') dirs.unshift(dir);
    else dirs.push(dir);
  }
  return dirs;
}

/** mountinfo writes spaces and a few other characters as octal escapes. */
function unescapeMount(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function removeTree(dir: string): boolean {
  for (const child of subdirectories(dir)) removeTree(path.join(dir, child));
  try {
    rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function subdirectories(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
