import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const FIXTURES = path.resolve(__dirname, '../../fixtures/sandbox');

/** Single-quotes a value for /bin/sh. */
export function sh(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Live (non-zombie) processes as "pid pgid stat" rows. Zombies are dead; they only wait to be reaped. */
function liveProcesses(): { pid: number; pgid: number }[] {
  return execFileSync('ps', ['-e', '-o', 'pid=,pgid=,stat='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, , stat]) => !stat.startsWith('Z'))
    .map(([pid, pgid]) => ({ pid: Number(pid), pgid: Number(pgid) }));
}

export function isRunning(pid: number): boolean {
  return liveProcesses().some((p) => p.pid === pid);
}

export function groupMembers(pgid: number): number[] {
  return liveProcesses()
    .filter((p) => p.pgid === pgid)
    .map((p) => p.pid);
}

/** Polls until `check` holds; fails with `what` if it never does within a generous deadline. */
export async function waitUntil(check: () => boolean, what: string, deadlineMs = 15_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting: ${what}`);
    await delay(50);
  }
}

/** Numbers a fixture script wrote to its pid file, once the file exists. */
export async function readPids(file: string): Promise<number[]> {
  await waitUntil(() => existsSync(file), `pid file ${file}`);
  return readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
}

/** Every entry under `root` (nothing skipped): file hashes, link targets, and folders. */
export async function snapshot(root: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      if (entry.isSymbolicLink()) result.set(rel, `link:${await fs.readlink(full)}`);
      else if (entry.isDirectory()) {
        result.set(rel, 'dir');
        await walk(full);
      } else
        result.set(
          rel,
          `sha256:${createHash('sha256')
            .update(await fs.readFile(full))
            .digest('hex')}`,
        );
    }
  };
  await walk(root);
  return result;
}

export async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
  }
}

/** A fresh environment variable name; every process started with `name=1` can be found by it. */
export function freshTag(): string {
  return `TEST_TAG_${process.pid}_${Math.random().toString(36).slice(2)}`;
}

/** Live processes (other than this one) whose environment holds `tag=1`. */
export function taggedProcesses(tag: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    if (Number(name) === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue;
    }
    if (environ.split('\0').includes(`${tag}=1`)) pids.push(Number(name));
  }
  return pids;
}

/** Last resort for a test's cleanup, so that a failing test does not leave its processes behind. */
export function killTagged(tag: string): void {
  for (const pid of taggedProcesses(tag)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
