import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freshTag, killTagged, taggedProcesses, waitUntil } from '../core/sandbox/helpers';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject } from '../support/projects';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';
/** Never finishes: one sleep in a new session (out of the group's reach), one in the foreground. */
const HANGS = 'setsid sleep 1000 & sleep 1000';
/** The same, but the foreground process outlives SIGTERM (noting it in a file), so cleaning up waits for SIGKILL. */
const hangsDeaf = (mark: string) =>
  `setsid sleep 1000 & python3 -c "import pathlib, signal, time; signal.signal(signal.SIGTERM, lambda *_: pathlib.Path('${mark}.term').touch()); pathlib.Path('${mark}.ready').touch(); time.sleep(1000)"`;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!/^(SELF_REPAIR_|OPENAI_)/.test(name)) env[name] = value;
  return { ...env, ...extra };
}

function command(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

describe('self-repair CLI: nothing outlives a repair (signals, a killed CLI)', function () {
  this.timeout(180_000);
  let tmp: string;
  let tag: string;
  let server: ScriptedModelServer;
  let project: { root: string; remove(): Promise<void> };
  let cli: ChildProcess | undefined;

  before(function () {
    if (process.platform !== 'linux') this.skip(); // the checks read /proc
    execFileSync('node', ['esbuild.mjs'], { cwd: ROOT, stdio: 'ignore' });
  });
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'cli-lifetime-'));
    tag = freshTag();
    server = await ScriptedModelServer.start({ replies: [], models: [MODEL] });
    project = await copyProject('python-buggy');
  });
  afterEach(async () => {
    cli?.kill('SIGKILL');
    killTagged(tag);
    await server.close();
    await project.remove();
    await rm(tmp, { recursive: true, force: true });
  });

  /** The CLI with its own temp folder, every process it starts tagged; resolves once the tests hang. */
  async function startHangingRepair(test: string): Promise<{ exit: Promise<{ code: number | null; stderr: string }> }> {
    const args = [
      'repair',
      project.root,
      '--test',
      test,
      '--base-url',
      server.url,
      '--model',
      MODEL,
      '--timeout',
      '600',
      // The tests' markers are read from the host's temp folder, which bubblewrap's private /tmp hides; what
      // bubblewrap adds (--die-with-parent, its own PID namespace) is covered by the isolation and adversarial suites.
      '--sandbox',
      'off',
      // The tag that finds the run's processes, passed to the tests as a user would pass a variable.
      '--env',
      tag,
    ];
    const child = spawn('node', [CLI, ...args], {
      env: cleanEnv({ TMPDIR: tmp, [tag]: '1' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cli = child;
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<{ code: number | null; stderr: string }>((resolve) =>
      child.once('exit', (code) => resolve({ code, stderr })),
    );
    const started = () => taggedProcesses(tag).filter((pid) => ['sleep', 'python3'].includes(command(pid))).length;
    await waitUntil(() => started() >= 2, 'the test run to start', 60_000);
    return { exit };
  }

  const othersThan = (pid: number | undefined) => taggedProcesses(tag).filter((p) => p !== pid);
  const copiesIn = async (dir: string) => (await readdir(dir)).filter((name) => name.startsWith('self-repair-'));

  for (const [signal, status] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal}: kills every test process, removes every copy, exits ${status}`, async () => {
      const { exit } = await startHangingRepair(HANGS);
      assert.ok((await copiesIn(tmp)).length > 0, 'the copy exists while the tests run');
      cli!.kill(signal);
      const { code } = await exit;
      assert.equal(code, status);
      await waitUntil(() => othersThan(cli!.pid).length === 0, 'every tagged process to end');
      assert.deepEqual(await copiesIn(tmp), []);
    });
  }

  it('a second Ctrl-C during cleanup cuts it short, still leaving no process and no copy', async () => {
    const mark = path.join(tmp, 'got-sigterm');
    const { exit } = await startHangingRepair(hangsDeaf(mark));
    await waitUntil(() => existsSync(`${mark}.ready`), 'the tests to catch SIGTERM');
    cli!.kill('SIGINT');
    // Cleanup has begun (the run got SIGTERM) and waits out its grace period: now the impatient second one.
    await waitUntil(() => existsSync(`${mark}.term`), 'the first Ctrl-C to reach the tests');
    cli!.kill('SIGINT');
    const { code, stderr } = await exit;
    assert.equal(code, 130);
    // The summary line comes only after an orderly end; its absence shows the second signal cut in.
    assert.doesNotMatch(stderr, /requests?, .*tokens/);
    await waitUntil(() => othersThan(cli!.pid).length === 0, 'every tagged process to end');
    assert.deepEqual(await copiesIn(tmp), []);
  });

  it('SIGKILL: the test processes die with the CLI, and the next start removes the copies it left', async () => {
    const { exit } = await startHangingRepair(HANGS);
    const killedPid = cli!.pid!;
    cli!.kill('SIGKILL');
    await exit;
    await waitUntil(() => othersThan(killedPid).length === 0, 'every tagged process to end');
    const left = await copiesIn(tmp);
    assert.ok(
      left.some((name) => name.startsWith(`self-repair-${killedPid}.`)),
      `the killed CLI left its copy: ${left.join(', ')}`,
    );

    const next = spawn(
      'node',
      [CLI, 'repair', project.root, '--test', 'true', '--base-url', server.url, '--model', MODEL],
      {
        env: cleanEnv({ TMPDIR: tmp }),
        stdio: 'ignore',
      },
    );
    await new Promise((resolve) => next.once('exit', resolve));
    assert.deepEqual(await copiesIn(tmp), []);
  });
});
