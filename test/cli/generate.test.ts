import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ScriptedModelServer, type ScriptedReply } from '../support/openai-server';
import { copyProject, hashTree } from '../support/projects';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';

/** The user's environment without any key or setting of ours. */
function cleanEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env))
    if (/^(SELF_REPAIR_|OPENAI_)/.test(name) && name !== 'SELF_REPAIR_SANDBOX_VIEW') env[name] = undefined;
  return env;
}

async function cli(args: string[], cwd: string): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
  const { execa } = await import('execa');
  const result = await execa('node', [CLI, ...args], {
    cwd,
    reject: false,
    env: cleanEnv(),
    extendEnv: false,
    timeout: 120_000,
    encoding: 'utf8',
  });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function withServer<T>(replies: ScriptedReply[], fn: (server: ScriptedModelServer) => Promise<T>): Promise<T> {
  const server = await ScriptedModelServer.start({ replies, models: [MODEL] });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

function userMessage(server: ScriptedModelServer, index: number): string {
  const content: unknown = server.requests[index]?.body?.messages?.at(-1)?.content;
  return typeof content === 'string' ? content : '';
}

function systemMessage(server: ScriptedModelServer, index: number): string {
  const content: unknown = server.requests[index]?.body?.messages?.[0]?.content;
  return typeof content === 'string' ? content : '';
}

describe('self-repair generate (the bundled dist/cli.js as a child process)', function () {
  this.timeout(180_000);

  before(async function () {
    if (!existsSync(CLI)) {
      const { execa } = await import('execa');
      await execa('node', ['esbuild.mjs'], { cwd: ROOT });
    }
  });

  it('implements a Python stub in two turns (a wrong body, its failures, a right one) and --apply writes it', async () => {
    const project = await copyProject('generate-python');
    try {
      const { run, first, second, firstSystem } = await withServer(
        [reply('generate-python-mean-wrong'), reply('generate-python-mean')],
        async (server) => {
          const args = ['generate', 'stats/core.py:mean', '--base-url', server.url, '--model', MODEL, '--apply'];
          const result = await cli([...args, '--test', 'python3 -m pytest'], project.root);
          return {
            run: result,
            first: userMessage(server, 0),
            second: userMessage(server, 1),
            firstSystem: systemMessage(server, 0),
          };
        },
      );
      assert.equal(run.exitCode, 0, run.stderr);
      assert.match(run.stderr, /failing: .*test_mean_of_three/);
      assert.match(run.stderr, /fixed in 2 turns/);
      assert.match(run.stdout, /^\+\s+return sum\(xs\) \/ len\(xs\)$/m);
      assert.match(run.stderr, /applied to stats\/core\.py/);

      assert.match(firstSystem, /implement a function that is still a stub/);
      assert.match(
        first,
        /## Function to implement\n`mean` in `stats\/core\.py`: its body is only `raise NotImplementedError\("mean"\)`/,
      );
      assert.match(first, /"""Arithmetic mean of a non-empty sequence\."""/, 'its docs');
      assert.match(
        first,
        /def test_mean_of_three\(\):\n {4}assert mean\(\[1, 2, 3\]\) == 2\.0/,
        'a test that calls it',
      );
      assert.match(first, /## The module around it[\s\S]*def median\(xs\):/, 'the module');
      assert.doesNotMatch(
        first,
        /test_median_of_pair_is_known_wrong/,
        'a test failing for its own reasons is left out',
      );
      assert.match(second, /## Your previous attempt \(turn 1\)/, 'turn 2 is a repair turn on the failures');
      assert.match(second, /return sum\(xs\) \/ \(len\(xs\) - 1\)/);

      const source = await readFile(path.join(project.root, 'stats', 'core.py'), 'utf8');
      assert.match(source, /"""Arithmetic mean of a non-empty sequence\."""\n {4}return sum\(xs\) \/ len\(xs\)\n/);
      const { execa } = await import('execa');
      const after = await execa('python3', ['-m', 'pytest', '-q'], { cwd: project.root, reject: false });
      assert.match(String(after.stdout), /1 failed, 3 passed/, 'only the test broken for its own reasons still fails');
    } finally {
      await project.remove();
    }
  });

  it('implements a Go stub that leaves the package unbuilt: a body that builds but fails its test is no fix', async () => {
    const project = await copyProject('generate-go');
    try {
      const run = await withServer([reply('generate-go-wrong'), reply('generate-go-ordinal')], (server) =>
        cli(['generate', 'ordinal/ordinal.go:Ordinal', '--base-url', server.url, '--model', MODEL], project.root),
      );
      assert.equal(run.exitCode, 0, run.stderr);
      // The stub leaves `strconv` unused: the package does not build, so no test ran to fail at the baseline.
      assert.match(run.stderr, /before: 0 passed, 1 failed/);
      assert.match(run.stderr, /turn 1\/4[\s\S]*candidate 1: 0 passed, 1 failed \(still failing\)[\s\S]*turn 2\/4/);
      assert.match(run.stderr, /fixed in 2 turns/);
      assert.match(run.stdout, /^\+\s+suffix := "th"$/m);
    } finally {
      await project.remove();
    }
  });

  it('implements a JavaScript stub (node --test): --json prints the repair object, the files stay as they were', async () => {
    const project = await copyProject('generate-node');
    try {
      const before = await hashTree(project.root);
      const run = await withServer([reply('generate-node-area')], (server) =>
        cli(['generate', 'src/shapes.js:area', '--base-url', server.url, '--model', MODEL, '--json'], project.root),
      );
      assert.equal(run.exitCode, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      assert.equal(out.status, 'fixed');
      assert.equal(out.turns, 1);
      assert.deepEqual(out.before, { passed: 1, failed: 1 });
      assert.deepEqual(out.after, { passed: 2, failed: 0 });
      assert.match(out.patch, /^\+\s+return width \* height;$/m);
      assert.deepEqual(await hashTree(project.root), before);
    } finally {
      await project.remove();
    }
  });

  describe('says in one line why it cannot start, runs no test and asks the model nothing', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['a function that is not there', 'stats/core.py:mode', /^error: no function mode in stats\/core\.py \(/m],
      [
        'a function with a real body',
        'stats/core.py:median',
        /^error: median in stats\/core\.py already has a body, so it is not a stub; use repair/m,
      ],
      [
        'a stub no test calls',
        'stats/core.py:spread',
        /^error: no test calls spread: write a test that calls spread first \(/m,
      ],
      ['a stub without docs', 'stats/core.py:scale', /^error: scale in stats\/core\.py has no docstring or comment/m],
      ['a file that is not there', 'stats/nope.py:mean', /^error: file not found: stats\/nope\.py$/m],
      ['no function named', 'stats/core.py', /^error: expected <file>:<function>/m],
    ];
    for (const [what, spec, message] of cases) {
      it(what, async () => {
        const project = await copyProject('generate-python');
        try {
          const { run, requests } = await withServer([], async (server) => {
            const result = await cli(
              ['generate', spec, '--base-url', server.url, '--model', MODEL, '--json'],
              project.root,
            );
            return { run: result, requests: server.requests.length };
          });
          assert.equal(run.exitCode, 2, run.stderr);
          assert.match(run.stderr, message);
          assert.equal(JSON.parse(run.stdout).status, 'error');
          assert.equal(requests, 0);
          assert.doesNotMatch(run.stderr, /running tests/);
        } finally {
          await project.remove();
        }
      });
    }
  });
});
