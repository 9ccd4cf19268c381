import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProcessRunner, type CommandRunner, type RunRequest, type RunResult } from '../../../src/core/sandbox';
import { pytestAdapter, runTests } from '../../../src/core/testing';
import { PidsCgroup } from '../../../src/core/sandbox/pids-cgroup';
import { FIXTURES, freshTag, killTagged, sh, taggedProcesses, waitUntil } from './helpers';

const BOMB = path.join(FIXTURES, 'fork-bomb', 'run.sh');
const MiB = 1024 ** 2;

function cgroupAvailable(): boolean {
  const probe = PidsCgroup.create(`self-repair-test-probe-${process.pid}`, 10);
  probe?.remove();
  return probe !== undefined;
}

describe('ProcessRunner limits', function () {
  let work: string;
  let tag: string;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'limits-test-'));
    tag = freshTag();
  });
  afterEach(async () => {
    killTagged(tag);
    await rm(work, { recursive: true, force: true });
  });

  // The bomb has a floor (depth 8: at most 511 processes) so that a broken limit cannot take the machine.
  for (const mode of [
    { name: 'by the pids cgroup', useCgroup: true, available: cgroupAvailable() },
    { name: 'by counting (no cgroup)', useCgroup: false, available: process.platform === 'linux' },
  ]) {
    it(`ends a fork bomb at the process limit, ${mode.name}, and says so`, async function () {
      if (!mode.available) this.skip(); // no writable cgroup tree, or no /proc to count in
      const runner = new ProcessRunner({ useCgroup: mode.useCgroup });
      const result = await runner.run({
        command: `sh ${sh(BOMB)} 8`,
        cwd: work,
        env: { [tag]: '1' },
        timeoutMs: 120_000,
        maxProcesses: 40,
      });
      assert.equal(result.limit, 'processes');
      assert.match(result.limitMessage ?? '', /too many processes \(limit 40\)/);
      assert.equal(result.timedOut, false);
      await waitUntil(() => taggedProcesses(tag).length === 0, 'every process of the bomb to end');
    });
  }

  it('fails a 2 GB allocation in Python under a 256 MiB limit and names the memory limit', async () => {
    const runner = new ProcessRunner();
    const result = await runner.run({
      command: 'python3 -c "b = bytearray(2 * 1024**3)"',
      cwd: work,
      timeoutMs: 60_000,
      maxMemoryBytes: 256 * MiB,
    });
    assert.notEqual(result.exitCode, 0);
    assert.match(result.output, /MemoryError/);
    assert.equal(result.limit, 'memory');
    assert.match(result.limitMessage ?? '', /out of memory \(limit 256 MiB per process\)/);
  });

  it('fails a 2 GB allocation in Node under a 256 MiB limit', async () => {
    const runner = new ProcessRunner();
    const result = await runner.run({
      command: `node -e "Buffer.alloc(2 * 1024 ** 3, 1)"`,
      cwd: work,
      timeoutMs: 60_000,
      maxMemoryBytes: 256 * MiB,
    });
    assert.notEqual(result.exitCode, 0);
    assert.equal(result.limit, 'memory');
  });

  it('lets an allocation below the limit through, and Node and Python start under the default limit', async () => {
    const runner = new ProcessRunner();
    const small = await runner.run({
      command: 'python3 -c "b = bytearray(64 * 1024**2); print(len(b))"',
      cwd: work,
      timeoutMs: 60_000,
      maxMemoryBytes: 256 * MiB,
    });
    assert.equal(small.exitCode, 0, small.output);
    assert.equal(small.stdout, `${64 * MiB}\n`);
    assert.equal(small.limit, undefined);
    const defaults = await runner.run({
      command: 'node -e "console.log(1)" && python3 -c "print(2)"',
      cwd: work,
      timeoutMs: 60_000,
    });
    assert.equal(defaults.stdout, '1\n2\n');
  });

  it('carries the limit into the test report, whose runError (what the model is told) names it', async () => {
    const inner = new ProcessRunner();
    // The engine's own runTests, with a runner that asks for a low process limit on every run.
    const runner: CommandRunner = {
      name: 'low-limit',
      run: (request: RunRequest): Promise<RunResult> => inner.run({ ...request, maxProcesses: 40 }),
    };
    const report = await runTests({
      runner,
      root: work,
      adapter: pytestAdapter,
      command: `sh ${sh(BOMB)} 8`,
      timeoutMs: 120_000,
      env: { [tag]: '1' },
    });
    assert.equal(report.limit, 'processes');
    assert.equal(report.runError, 'tests started too many processes (limit 40); the run was killed');
    await waitUntil(() => taggedProcesses(tag).length === 0, 'every process of the bomb to end');
  });
});
