import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ProcessRunner } from '../../../src/core/sandbox';
import { FIXTURES, groupMembers, isRunning, readPids, sh, waitUntil } from './helpers';

describe('ProcessRunner', () => {
  const runner = new ProcessRunner();
  let work: string;
  /** Groups started by a test, killed afterwards should the runner under test have failed to. */
  let groups: number[] = [];
  const pidsOf = async (file: string) => {
    const pids = await readPids(file);
    groups.push(pids[2]);
    return pids;
  };

  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'runner-test-'));
  });
  afterEach(async () => {
    for (const pgid of groups) if (groupMembers(pgid).length > 0) process.kill(-pgid, 'SIGKILL');
    groups = [];
    await rm(work, { recursive: true, force: true });
  });

  it('reports exit code, stdout and stderr of a finished command', async () => {
    const result = await runner.run({ command: 'echo out; echo err >&2; exit 3', cwd: work, timeoutMs: 30_000 });
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'err\n');
    assert.match(result.output, /out\n/);
    assert.match(result.output, /err\n/);
    assert.equal(result.timedOut, false);
    assert.equal(result.cancelled, false);
    assert.equal(result.truncated, false);
    assert.equal(result.signal, undefined);
  });

  it('runs in the requested folder with the extra environment', async () => {
    const result = await runner.run({
      command: 'pwd; echo "$GREETING"',
      cwd: work,
      env: { GREETING: 'hi there' },
      timeoutMs: 30_000,
    });
    assert.equal(result.stdout, `${work}\nhi there\n`);
  });

  it('gives exit 127 with "not found" for a missing command instead of throwing', async () => {
    const result = await runner.run({ command: 'no-such-command-xyz --version', cwd: work, timeoutMs: 30_000 });
    assert.equal(result.exitCode, 127);
    assert.match(result.stderr, /no-such-command-xyz.*not found/);
  });

  it('reports a command killed by a signal with a null exit code and the signal name', async () => {
    const result = await runner.run({ command: 'kill -KILL $$', cwd: work, timeoutMs: 30_000 });
    assert.equal(result.exitCode, null);
    assert.equal(result.signal, 'SIGKILL');
    assert.equal(result.timedOut, false);
  });

  it('rejects a missing folder with one clear line', async () => {
    const missing = path.join(work, 'nope');
    await assert.rejects(runner.run({ command: 'true', cwd: missing, timeoutMs: 1000 }), {
      message: `test folder not found: ${missing}`,
    });
  });

  it('on timeout kills the whole process group, including a child that ignores SIGTERM and holds the pipes', async () => {
    const pidFile = path.join(work, 'pids');
    const result = await runner.run({
      command: `sh ${sh(path.join(FIXTURES, 'hangs-with-grandchild', 'run.sh'))} ${sh(pidFile)}`,
      cwd: work,
      timeoutMs: 1000,
    });
    assert.equal(result.timedOut, true);
    assert.equal(result.cancelled, false);
    assert.equal(result.exitCode, null);
    assert.match(result.output, /parent/);
    assert.match(result.output, /child/);
    const [shellPid, childPid, pgid] = await pidsOf(pidFile);
    await waitUntil(() => groupMembers(pgid).length === 0, `process group ${pgid} to be empty`);
    assert.equal(isRunning(shellPid), false);
    assert.equal(isRunning(childPid), false);
  });

  it('settles and ends a process that left the group while holding the pipes', async function () {
    const pidFile = path.join(work, 'escaped');
    const quick = new ProcessRunner({ killGraceMs: 200 });
    let escaped: number | undefined;
    try {
      const result = await quick.run({
        command: `sh ${sh(path.join(FIXTURES, 'escapes-process-group', 'run.sh'))} ${sh(pidFile)}`,
        cwd: work,
        timeoutMs: 1000,
      });
      [escaped] = await readPids(pidFile);
      assert.equal(result.timedOut, true);
      assert.equal(result.limit, 'time');
      // It left the process group, yet the run found it (cgroup or environment marker) and ended it.
      await waitUntil(() => !isRunning(escaped!), `escaped process ${escaped} to end`);
    } finally {
      if (escaped === undefined) [escaped] = await readPids(pidFile).catch(() => []);
      if (escaped !== undefined && isRunning(escaped)) process.kill(escaped, 'SIGKILL');
    }
  });

  it('cancels through an AbortSignal, killing the process tree', async () => {
    const pidFile = path.join(work, 'pids');
    const controller = new AbortController();
    const running = runner.run({
      command: `sh ${sh(path.join(FIXTURES, 'hangs-with-grandchild', 'run.sh'))} ${sh(pidFile)}`,
      cwd: work,
      timeoutMs: 600_000,
      signal: controller.signal,
    });
    const [shellPid, childPid, pgid] = await pidsOf(pidFile);
    assert.equal(isRunning(childPid), true);
    controller.abort();
    const result = await running;
    assert.equal(result.cancelled, true);
    assert.equal(result.timedOut, false);
    await waitUntil(() => groupMembers(pgid).length === 0, `process group ${pgid} to be empty`);
    assert.equal(isRunning(shellPid), false);
  });

  it('does not start a command whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await runner.run({
      command: 'touch started',
      cwd: work,
      timeoutMs: 30_000,
      signal: controller.signal,
    });
    assert.equal(result.cancelled, true);
    assert.deepEqual(await readdir(work), []);
  });

  it('caps 5 MB of output at the default 1 MiB, keeping head and tail around a marker', async () => {
    const result = await runner.run({
      command: `printf BEGIN; head -c 5000000 /dev/zero | tr '\\0' x; printf END`,
      cwd: work,
      timeoutMs: 60_000,
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.truncated, true);
    for (const text of [result.output, result.stdout]) {
      assert.ok(text.startsWith('BEGINxxx'));
      assert.ok(text.endsWith('xxxEND'));
      const marker = /\n…\[(\d+) bytes cut\]…\n/.exec(text);
      assert.ok(marker, 'cut marker present');
      const kept = Buffer.byteLength(text) - Buffer.byteLength(marker[0]);
      assert.equal(kept, 1024 * 1024);
      assert.equal(kept + Number(marker[1]), 5_000_000 + 'BEGIN'.length + 'END'.length);
    }
    assert.equal(result.stderr, '');
  });

  it('honours a smaller maxOutputBytes and leaves short output alone', async () => {
    const capped = await runner.run({ command: 'seq 1 1000', cwd: work, timeoutMs: 30_000, maxOutputBytes: 20 });
    assert.equal(capped.truncated, true);
    assert.ok(capped.output.startsWith('1\n2\n3\n4\n5\n'));
    assert.ok(capped.output.endsWith('\n999\n1000\n'));
    const short = await runner.run({ command: 'seq 1 5', cwd: work, timeoutMs: 30_000, maxOutputBytes: 20 });
    assert.equal(short.truncated, false);
    assert.equal(short.output, '1\n2\n3\n4\n5\n');
  });

  it('kills background leftovers once the command itself has finished', async () => {
    const pidFile = path.join(work, 'leftover');
    const result = await runner.run({
      command: `sleep 300 & echo $! > ${sh(pidFile)}; echo done`,
      cwd: work,
      timeoutMs: 60_000,
    });
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'done\n');
    const [leftover] = await readPids(pidFile);
    await waitUntil(() => !isRunning(leftover), `leftover sleep ${leftover} to end`);
  });
});

describe('ProcessRunner when its host exits mid-run', () => {
  it('takes the running process group down with the host', async () => {
    const work = await mkdtemp(path.join(os.tmpdir(), 'runner-host-test-'));
    try {
      const pidFile = path.join(work, 'pids');
      const host = path.join(FIXTURES, 'host-exits-mid-run', 'host.ts');
      await promisify(execFile)(process.execPath, ['--import', 'tsx', host, pidFile], {
        cwd: path.resolve(FIXTURES, '../../..'),
      });
      const [, childPid, pgid] = await readPids(pidFile);
      await waitUntil(() => groupMembers(pgid).length === 0, `process group ${pgid} to be empty`);
      assert.equal(isRunning(childPid), false);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
