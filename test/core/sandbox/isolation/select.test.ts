import { strict as assert } from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { IsolationError, parseSandboxMode, selectIsolation } from '../../../../src/core/sandbox/isolation';
import { requireBwrap } from './backends';

describe('selectIsolation', () => {
  let work: string;
  beforeEach(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'isolation-test-'));
  });
  afterEach(() => rm(work, { recursive: true, force: true }));

  it('off: runs commands plainly and says the sandbox is off', async () => {
    const isolation = await selectIsolation({ mode: 'off', network: false, projectRoot: work });
    assert.equal(isolation.kind, 'none');
    assert.equal(isolation.reason, 'the sandbox is turned off');
    const result = await isolation.runner.run({
      command: 'echo plain > out.txt && cat out.txt',
      cwd: work,
      timeoutMs: 30_000,
    });
    assert.equal(result.stdout, 'plain\n');
  });

  it('auto without bubblewrap: falls back to none and names why', async () => {
    const isolation = await selectIsolation({
      mode: 'auto',
      network: false,
      projectRoot: work,
      bwrap: '/nonexistent/bwrap',
      platform: 'linux',
    });
    assert.equal(isolation.kind, 'none');
    assert.equal(isolation.reason, 'no OS sandbox: bubblewrap not found at /nonexistent/bwrap');
  });

  it('strict without a sandbox: refuses with one line', async () => {
    await assert.rejects(
      selectIsolation({
        mode: 'strict',
        network: false,
        projectRoot: work,
        bwrap: '/nonexistent/bwrap',
        platform: 'linux',
      }),
      (error: Error) =>
        error instanceof IsolationError &&
        /^sandbox "strict" needs an OS sandbox, and none is available: bubblewrap not found/.test(error.message) &&
        !error.message.includes('\n'),
    );
    await assert.rejects(
      selectIsolation({ mode: 'strict', network: false, projectRoot: work, platform: 'freebsd' }),
      /sandbox-exec is macOS only \(this is freebsd\)/,
    );
  });

  it('auto on Linux: bubblewrap, whose commands see their own PID namespace and write only their folder', async function () {
    await requireBwrap(this);
    const isolation = await selectIsolation({ mode: 'auto', network: false, projectRoot: work });
    assert.equal(isolation.kind, 'bwrap');
    assert.equal(isolation.reason, undefined);
    const command = `echo ok > here.txt; cat here.txt; echo pid=$$; touch "${os.homedir()}/.self-repair-probe" 2>/dev/null && echo home-writable`;
    const result = await isolation.runner.run({ command, cwd: work, timeoutMs: 30_000 });
    assert.equal(result.exitCode, 1, result.output);
    assert.match(result.stdout, /^ok\npid=\d+\n$/);
    assert.ok(Number(/pid=(\d+)/.exec(result.stdout)![1]) < 10, 'a low pid: the sandbox has its own PID namespace');
  });

  it('reads the mode from a flag or a setting, and rejects anything else in one line', () => {
    assert.equal(parseSandboxMode('strict'), 'strict');
    assert.throws(() => parseSandboxMode('on'), /^IsolationError: sandbox must be one of auto, strict, off; got "on"$/);
    assert.throws(() => parseSandboxMode(undefined), IsolationError);
  });
});
