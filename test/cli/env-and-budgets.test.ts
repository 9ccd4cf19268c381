import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject } from '../support/projects';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';
const KEY = 'sk-env-probe-key';
const NO_FIX = 'I cannot see a fix for this.';

/** The user's environment: the model key and two secrets with innocent names. */
function userEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (/^(SELF_REPAIR_|OPENAI_)/.test(name)) env[name] = undefined;
  return {
    ...env,
    SELF_REPAIR_API_KEY: KEY,
    OPENAI_API_KEY: 'sk-openai-probe-key',
    DATABASE_URL: 'postgres://u:pw@h/db',
    GH_PAT: 'ghp_probe_token',
  };
}

async function cli(args: string[]) {
  const { execa } = await import('execa');
  const run = await execa('node', [CLI, ...args], {
    reject: false,
    env: userEnv(),
    extendEnv: false,
    timeout: 120_000,
    encoding: 'utf8',
  });
  return { exitCode: run.exitCode, stdout: String(run.stdout), stderr: String(run.stderr) };
}

/** Every message the model was sent, as one text. */
function prompts(server: ScriptedModelServer): string {
  return server.requests.flatMap((r) => (r.body?.messages ?? []).map((m) => String(m.content))).join('\n');
}

describe('CLI: what reaches the tests, and budgets', function () {
  this.timeout(180_000);

  before(async function () {
    if (!existsSync(CLI)) {
      const { execa } = await import('execa');
      await execa('node', ['esbuild.mjs'], { cwd: ROOT });
    }
  });

  it('without an OS sandbox: the test and its child see DATABASE_URL only with --env, never GH_PAT or the key', async () => {
    const project = await copyProject('js-env-probe');
    const server = await ScriptedModelServer.start({ replies: [NO_FIX], models: [MODEL], apiKey: KEY });
    try {
      const run = await cli([
        'repair',
        project.root,
        ...['--base-url', server.url, '--model', MODEL, '--max-turns', '1', '--sandbox', 'off'],
        ...['--env', 'DATABASE_URL', '--env', 'SELF_REPAIR_API_KEY'],
      ]);
      assert.equal(run.exitCode, 1, run.stderr);
      assert.equal(server.requests.length, 1, 'the key was read: the server takes only requests that carry it');
      const sent = prompts(server);
      assert.match(
        sent,
        /own: \[DATABASE_URL=postgres:\/\/u:pw@h\/db\] child: \[DATABASE_URL=postgres:\/\/u:pw@h\/db\]/,
      );
      assert.doesNotMatch(sent, /ghp_probe|sk-env-probe|sk-openai-probe/, 'no value of GH_PAT or of a key');
      assert.match(
        run.stderr,
        /^warning: SELF_REPAIR_API_KEY is not passed to the tests: the model's key never reaches them$/m,
      );
    } finally {
      await server.close();
      await project.remove();
    }
  });

  it('refuses --env NAME=value in one line', async () => {
    const run = await cli(['repair', '.', '--env', 'DATABASE_URL=postgres://x']);
    assert.equal(run.exitCode, 2);
    assert.match(run.stderr, /not a variable name: "DATABASE_URL=postgres:\/\/x".*set its value in your environment/);
  });

  it('--max-tokens: the first reply spends the budget; --json says "budget": "tokens", exit 1', async () => {
    const project = await copyProject('js-buggy');
    const server = await ScriptedModelServer.start({ replies: [NO_FIX, NO_FIX], models: [MODEL] });
    try {
      const run = await cli(
        ['repair', project.root, '--base-url', server.url, '--model', MODEL, '--json'].concat([
          '--max-tokens',
          '10',
          '--sandbox',
          'off',
        ]),
      );
      assert.equal(run.exitCode, 1, run.stderr);
      const out = JSON.parse(run.stdout);
      const spent = out.usage.promptTokens + out.usage.completionTokens;
      assert.deepEqual(
        { status: out.status, budget: out.budget, turns: out.turns, requests: out.requests, patch: out.patch },
        { status: 'unfixed', budget: 'tokens', turns: 1, requests: 1, patch: '' },
      );
      assert.equal(out.message, `token budget spent (${spent.toLocaleString('en-US')} of 10 tokens)`);
      assert.match(run.stderr, /^token budget spent \([\d,]+ of 10 tokens\) \(1 request/m);
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
      await project.remove();
    }
  });

  it('reads the key, then removes it from its own environment before the tests run', async () => {
    const project = await copyProject('js-env-probe');
    const server = await ScriptedModelServer.start({ replies: [NO_FIX], models: [MODEL], apiKey: KEY });
    const env: NodeJS.ProcessEnv = { SELF_REPAIR_API_KEY: KEY, OPENAI_API_KEY: 'sk-openai-probe-key' };
    const stderr: string[] = [];
    try {
      const code = await main(
        ['repair', project.root, '--base-url', server.url, '--model', MODEL, '--max-turns', '1', '--sandbox', 'off'],
        { stdout: () => {}, stderr: (text) => stderr.push(text), stderrIsTTY: false, cwd: ROOT, env },
      );
      assert.equal(code, 1, stderr.join(''));
      assert.equal(server.requests[0]?.headers.authorization, `Bearer ${KEY}`);
      assert.deepEqual(Object.keys(env), [], 'neither key is left in the environment');
    } finally {
      await server.close();
      await project.remove();
    }
  });
});
