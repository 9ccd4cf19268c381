import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessRunner, type WrapRequest } from '../../../src/core/sandbox';
import { PidsCgroup } from '../../../src/core/sandbox/pids-cgroup';
import { FIXTURES, freshTag, killTagged, taggedProcesses, waitUntil } from './helpers';

const ROOT = path.resolve(FIXTURES, '../../..');

function cgroupAvailable(): boolean {
  const probe = PidsCgroup.create(`self-repair-test-probe-${process.pid}`, 10);
  probe?.remove();
  return probe !== undefined;
}

function bwrapWorks(): boolean {
  try {
    execFileSync('bwrap', ['--dev-bind', '/', '/', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const MODES = [
  { name: 'with a pids cgroup', useCgroup: true, available: cgroupAvailable() },
  { name: 'with the environment marker (no cgroup)', useCgroup: false, available: process.platform === 'linux' },
];

for (const mode of MODES) {
  describe(`ProcessRunner finds processes that leave the group, ${mode.name}`, function () {
    let work: string;
    let tag: string;
    const runner = new ProcessRunner({ killGraceMs: 300, useCgroup: mode.useCgroup });
    const run = (command: string, timeoutMs = 60_000, signal?: AbortSignal) =>
      runner.run({ command, cwd: work, env: { [tag]: '1' }, timeoutMs, ...(signal ? { signal } : {}) });
    const nothingLeft = () => waitUntil(() => taggedProcesses(tag).length === 0, `processes tagged ${tag} to end`);

    before(function () {
      if (!mode.available) this.skip(); // no writable cgroup tree (not root, no delegation), or no /proc
    });
    beforeEach(async () => {
      work = await mkdtemp(path.join(os.tmpdir(), 'tracking-test-'));
      tag = freshTag();
    });
    afterEach(async () => {
      killTagged(tag);
      await rm(work, { recursive: true, force: true });
    });

    it('ends a setsid child that holds the pipes once the command finishes, keeping its exit status', async () => {
      const result = await run('setsid sleep 1000 & echo done');
      assert.equal(result.exitCode, 0);
      assert.equal(result.stdout, 'done\n');
      assert.equal(result.timedOut, false);
      assert.equal(result.limit, undefined);
      await nothingLeft();
    });

    it('ends a double-forked process in a new session', async () => {
      const result = await run('(setsid sh -c "sleep 1000" > /dev/null 2>&1 &); echo done');
      assert.equal(result.exitCode, 0);
      await nothingLeft();
    });

    it('ends escaped processes on timeout and on cancel', async () => {
      const timedOut = await run('setsid sleep 1000 & sleep 1000', 1000);
      assert.equal(timedOut.timedOut, true);
      assert.equal(timedOut.limit, 'time');
      await nothingLeft();
      const controller = new AbortController();
      const running = run('setsid sleep 1000 & sleep 1000', 600_000, controller.signal);
      await waitUntil(() => taggedProcesses(tag).length >= 2, 'the run to start');
      controller.abort();
      assert.equal((await running).cancelled, true);
      await nothingLeft();
    });

    it('kills the run when its host is killed outright (SIGKILL), through the watchdog', async () => {
      const host = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(FIXTURES, 'host-killed', 'host.ts'), tag, mode.useCgroup ? 'cgroup' : 'count'],
        {
          cwd: ROOT,
          stdio: 'ignore',
        },
      );
      try {
        await waitUntil(() => taggedProcesses(tag).length >= 3, 'the host run to start', 30_000);
        host.kill('SIGKILL');
        await nothingLeft();
      } finally {
        host.kill('SIGKILL');
      }
    });
  });
}

describe('ProcessRunner: pipes held past the deadline by a process it cannot find', () => {
  let work: string;
  let tag: string;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'held-pipes-test-'));
    tag = freshTag();
  });
  afterEach(async () => {
    killTagged(tag);
    await rm(work, { recursive: true, force: true });
  });

  it('without a cgroup, a child that clears its environment and leaves the group ends the run as a timeout, not a pass', async () => {
    if (process.platform !== 'linux') return;
    const runner = new ProcessRunner({ killGraceMs: 200, useCgroup: false });
    // `env -i` drops the run's marker; only the test's own tag stays, so that the test can clean up. The
    // command waits until the child has left the group: before that, ending the group would still reach it.
    const detach = `env -i ${tag}=1 setsid sh -c 'touch detached; exec sleep 1000' & until [ -e detached ]; do sleep 0.1; done`;
    const result = await runner.run({ command: `${detach}; echo done`, cwd: work, timeoutMs: 5000 });
    assert.equal(result.timedOut, true);
    assert.equal(result.limit, 'time');
    assert.equal(result.stdout, 'done\n');
    // What the fallback does not contain: the process is still there (the test's cleanup kills it).
    assert.equal(taggedProcesses(tag).length, 1);
  });

  it('with a cgroup, the same child is found and ended, and the run keeps its exit status', async function () {
    if (!cgroupAvailable()) this.skip(); // no writable cgroup tree here
    const runner = new ProcessRunner({ killGraceMs: 200 });
    const result = await runner.run({
      command: `env -i ${tag}=1 setsid sleep 1000 & echo done`,
      cwd: work,
      timeoutMs: 60_000,
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.timedOut, false);
    await waitUntil(() => taggedProcesses(tag).length === 0, `processes tagged ${tag} to end`);
  });
});

describe('ProcessRunner with a wrap (the command run under another program)', () => {
  let work: string;
  let tag: string;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'wrap-test-'));
    tag = freshTag();
  });
  afterEach(async () => {
    killTagged(tag);
    await rm(work, { recursive: true, force: true });
  });

  it('runs the argv the wrap builds, given the command, folder and full environment', async () => {
    const seen: WrapRequest[] = [];
    const runner = new ProcessRunner({
      wrap: (request) => {
        seen.push(request);
        return { file: '/bin/sh', args: ['-c', `echo wrapped; ${request.command}`] };
      },
    });
    const result = await runner.run({
      command: 'echo "$GREETING"',
      cwd: work,
      env: { GREETING: 'hi' },
      timeoutMs: 30_000,
    });
    assert.equal(result.stdout, 'wrapped\nhi\n');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.command, 'echo "$GREETING"');
    assert.equal(seen[0]!.cwd, work);
    assert.equal(seen[0]!.env.GREETING, 'hi');
    assert.ok(
      Object.keys(seen[0]!.env).some((name) => name.startsWith('REPAIR_SANDBOX_RUN_')),
      'the run marker reaches the wrap',
    );
  });

  it('under bubblewrap with its own PID namespace, still ends escaped processes and enforces the deadline', async function () {
    if (!bwrapWorks()) this.skip(); // bubblewrap missing, or user namespaces refused
    const runner = new ProcessRunner({
      killGraceMs: 300,
      wrap: ({ command }) => ({
        file: 'bwrap',
        args: [
          '--die-with-parent',
          '--unshare-pid',
          '--dev-bind',
          '/',
          '/',
          '--proc',
          '/proc',
          '/bin/sh',
          '-c',
          command,
        ],
      }),
    });
    const finished = await runner.run({
      command: 'setsid sleep 1000 & echo done',
      cwd: work,
      env: { [tag]: '1' },
      timeoutMs: 60_000,
    });
    assert.equal(finished.exitCode, 0);
    assert.equal(finished.stdout, 'done\n');
    await waitUntil(() => taggedProcesses(tag).length === 0, 'the escaped sleep to end');
    const hung = await runner.run({ command: 'sleep 1000', cwd: work, env: { [tag]: '1' }, timeoutMs: 1000 });
    assert.equal(hung.timedOut, true);
    await waitUntil(() => taggedProcesses(tag).length === 0, 'the hung sleep to end');
  });
});
