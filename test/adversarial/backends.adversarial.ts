import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import { chooseView } from '../../src/core/sandbox/views';
import { requireBwrap } from '../core/sandbox/isolation/backends';
import { cliBuilt, findings, runAdversarial, type Backend, type Outcome, type RunOptions } from './harness';

/**
 * Test code that misbehaves, run by the built CLI as a user would, once per backend (ADVERSARIAL_BACKENDS,
 * default both). Each row checks what every row must hold (the run ends with a reason, no copy or
 * process is left) and then what the backend contains — or, for the fallback, what it does not.
 */
const BACKENDS = (process.env.ADVERSARIAL_BACKENDS ?? 'bwrap,none').split(',') as Backend[];

async function run(
  this: Mocha.Context,
  scenario: string,
  backend: Backend,
  options: Omit<RunOptions, 'backend'> = {},
): Promise<Outcome> {
  if (backend === 'bwrap') await requireBwrap(this);
  const outcome = await runAdversarial(scenario, { backend, ...options });
  assert.equal(outcome.json.isolation, backend, outcome.stderr);
  assert.ok(
    outcome.exitCode === 1 || outcome.exitCode === 2,
    `the CLI ended on its own: ${outcome.exitCode}\n${outcome.stderr}`,
  );
  assert.notEqual(outcome.before, '', `the result says how the run went:\n${outcome.stderr}`);
  assert.deepEqual(outcome.leftCopies, [], 'no copy is left');
  assert.deepEqual(outcome.leftProcesses, [], 'no process is left');
  return outcome;
}

/** The view the CLI picks on this machine (SELF_REPAIR_SANDBOX_VIEW, else the cheapest available). */
async function sandboxView(): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'adversarial-view-'));
  try {
    return (await chooseView(dir, os.tmpdir(), { exclude: [], unshare: 'unshare' })).kind;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function contained(outcome: Outcome): void {
  assert.equal(outcome.projectChanged, false, 'the real project is byte-identical');
  assert.equal(outcome.keySeen, false, 'the key is seen nowhere');
}

describe('adversarial test code (the built CLI, per backend)', function () {
  this.timeout(180_000);
  before(function () {
    if (!cliBuilt()) throw new Error('dist/cli.js is missing: run `npm run build` first');
  });

  for (const backend of BACKENDS) {
    describe(backend, () => {
      it('loops forever: killed at the time limit, and the result says so', async function () {
        const outcome = await run.call(this, 'loop-forever', backend, { timeoutSeconds: 5 });
        assert.match(outcome.before, /tests timed out after 5 s \(process tree killed\)/);
        contained(outcome);
      });

      it('forks without end (300 processes, each in its own session): none outlives the run', async function () {
        const outcome = await run.call(this, 'fork-without-end', backend, { timeoutSeconds: 8 });
        assert.match(outcome.before, /tests timed out after 8 s/);
        assert.match(
          outcome.prompts,
          /FINDINGS started=300\b/,
          'the processes were started (as root the kernel ignores ulimit -u)',
        );
        contained(outcome);
      });

      it('allocates without bound: stopped by the per-process data limit (2 GiB)', async function () {
        const outcome = await run.call(this, 'allocate-without-bound', backend);
        assert.match(outcome.before, /0 passed, 1 failed/);
        const found = findings(outcome);
        assert.equal(found.error, 'Array buffer allocation failed');
        const mib = found.mib as number;
        assert.ok(mib < 2048, `stopped below the limit: ${mib} MiB`);
        contained(outcome);
      });

      describe('connects to a listener on 127.0.0.1', () => {
        let listener: net.Server;
        let connections = 0;
        let port = 0;
        beforeEach(async () => {
          connections = 0;
          listener = net.createServer((socket) => {
            connections++;
            socket.destroy();
          });
          await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
          port = (listener.address() as net.AddressInfo).port;
        });
        afterEach(() => new Promise<void>((resolve) => listener.close(() => resolve())));

        if (backend === 'bwrap') {
          it('bwrap: refused, its own network namespace has no route to the host', async function () {
            const outcome = await run.call(this, 'connect-to-listener', backend, {
              env: { ADVERSARIAL_PORT: String(port) },
            });
            assert.deepEqual(findings(outcome), { connect: 'ECONNREFUSED' });
            assert.equal(connections, 0);
            contained(outcome);
          });
          it('bwrap with --allow-network: connects, as the user asked', async function () {
            const outcome = await run.call(this, 'connect-to-listener', backend, {
              allowNetwork: true,
              env: { ADVERSARIAL_PORT: String(port) },
            });
            assert.deepEqual(findings(outcome), { connect: 'connected' });
            assert.equal(connections, 1);
          });
        } else {
          it('none: does NOT block the network (documented)', async function () {
            const outcome = await run.call(this, 'connect-to-listener', backend, {
              env: { ADVERSARIAL_PORT: String(port) },
            });
            assert.deepEqual(findings(outcome), { connect: 'connected' });
            assert.equal(connections, 1);
            contained(outcome);
          });
        }
      });

      it(
        backend === 'bwrap'
          ? 'writes outside its copy: $HOME, /tmp and the real project all refused'
          : 'none: writes into $HOME and /tmp are NOT stopped, nor into the real project through the links without an overlay view (documented)',
        async function () {
          // An overlay view shows the dependency folders and the project's own path as part of the
          // candidate's view: writes through them land there, never in the real project.
          const overlay = (await sandboxView()) === 'overlay';
          const throughProject = overlay ? 'written' : backend === 'bwrap' ? 'EROFS' : 'written';
          const tag = randomBytes(6).toString('hex');
          const hostTmpFile = `/tmp/pwned-${tag}`;
          try {
            const outcome = await run.call(this, 'write-outside-copy', backend, { env: { ADVERSARIAL_TAG: tag } });
            const found = findings(outcome);
            const outside = {
              home: found.home,
              nodeModules: found.nodeModules,
              venv: found.venv,
              realpath: found.realpath,
              dotdot: found.dotdot,
              realDotdot: found.realDotdot,
            };
            if (backend === 'bwrap') {
              assert.deepEqual(outside, {
                home: 'EROFS',
                nodeModules: throughProject,
                venv: throughProject,
                realpath: throughProject,
                dotdot: throughProject,
                realDotdot: throughProject,
              });
              assert.equal(found.tmp, 'written', 'its private /tmp is writable...');
              assert.equal(existsSync(hostTmpFile), false, '...and gone with the run');
              contained(outcome);
            } else {
              assert.deepEqual(outside, {
                home: 'written',
                nodeModules: 'written',
                venv: 'written',
                realpath: 'written',
                dotdot: 'written',
                realDotdot: 'written',
              });
              assert.equal(existsSync(hostTmpFile), true);
              assert.equal(
                outcome.projectChanged,
                !overlay,
                overlay ? 'the overlay keeps the real project identical' : 'a copy with links cannot',
              );
            }
          } finally {
            rmSync(hostTmpFile, { force: true });
          }
        },
      );

      it(
        backend === 'bwrap'
          ? 'reads its environment, its ancestors\u2019 /proc and ~/.ssh: finds no key, no project path, no SSH key'
          : 'none: finds the project path in the CLI\u2019s /proc, the SSH key, and the key unless an overlay view holds it off (documented)',
        async function () {
          // An overlay view runs the tests in a user namespace of their own, which may not read the
          // environment of processes outside it; their command lines stay readable to anyone.
          const overlay = (await sandboxView()) === 'overlay';
          const outcome = await run.call(this, 'read-secrets', backend);
          const sshKey = outcome.prompts.includes('ssh-private-key-material');
          const projectPath = outcome.prompts.includes(outcome.project);
          assert.doesNotMatch(outcome.prompts, /"ownKeys":\[\[/, 'its own environment holds no key in either backend');
          if (backend === 'bwrap') {
            contained(outcome);
            assert.equal(sshKey, false);
            assert.equal(projectPath, false);
          } else {
            assert.deepEqual(
              { keySeen: outcome.keySeen, sshKey, projectPath },
              { keySeen: !overlay, sshKey: true, projectPath: true },
            );
            assert.equal(outcome.projectChanged, false);
          }
        },
      );

      it(
        backend === 'bwrap'
          ? 'kills its parent and its group: the run ends with the reason; other processes are out of reach'
          : 'none: kills its parent and its group; a process of the same user outside the run is NOT out of reach (documented)',
        async function () {
          let victim: ChildProcess | undefined;
          try {
            victim = spawn('sleep', ['300'], { stdio: 'ignore' });
            const outcome = await run.call(this, 'kill-parent-and-group', backend, {
              env: { ADVERSARIAL_VICTIM_PID: String(victim.pid) },
            });
            assert.match(outcome.before, /test command failed \((exit 137|killed)\)/);
            assert.equal(outcome.json.status, 'error');
            const victimAlive = victim.exitCode === null && victim.signalCode === null;
            assert.equal(victimAlive, backend === 'bwrap');
            contained(outcome);
          } finally {
            victim?.kill('SIGKILL');
          }
        },
      );
    });
  }
});
