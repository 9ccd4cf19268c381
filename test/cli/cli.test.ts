import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MODEL, SETTING_LIMITS } from '../../src/core/settings';
import { ScriptedModelServer, type ScriptedReply } from '../support/openai-server';
import { copyProject, hashTree } from '../support/projects';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';

/** The environment a user would have: no key of ours unless a test sets one. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  // SELF_REPAIR_SANDBOX_VIEW stays, so that the suite can be run with each kind of sandbox.
  for (const name of Object.keys(env))
    if (/^(SELF_REPAIR_|OPENAI_)/.test(name) && name !== 'SELF_REPAIR_SANDBOX_VIEW') env[name] = undefined;
  return { ...env, ...extra };
}

/** execa is ESM-only; under tsx a static import would become a failing require(). */
async function execa(
  file: string,
  args: string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    extendEnv?: boolean;
    input?: string;
    reject?: boolean;
    timeout?: number;
  } = {},
): Promise<{ exitCode?: number; stdout: string; stderr: string }> {
  const { execa: run } = await import('execa');
  const result = await run(file, args, { ...options, encoding: 'utf8' });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

async function cli(args: string[], env: Record<string, string | undefined> = cleanEnv()) {
  return execa('node', [CLI, ...args], { reject: false, env, extendEnv: false, timeout: 120_000 });
}

async function withServer<T>(replies: ScriptedReply[], fn: (server: ScriptedModelServer) => Promise<T>): Promise<T> {
  const server = await ScriptedModelServer.start({ replies, models: [MODEL] });
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

describe('self-repair CLI (the bundled dist/cli.js as a child process)', function () {
  this.timeout(120_000);

  before(async function () {
    if (!existsSync(CLI)) await execa('node', ['esbuild.mjs'], { cwd: ROOT });
  });

  it('--json: repairs the Python project, prints one JSON object, leaves the files byte-identical', async () => {
    const project = await copyProject('python-buggy');
    try {
      const before = await hashTree(project.root);
      const run = await withServer([reply('python-mean-search-replace')], (server) =>
        cli([
          'repair',
          project.root,
          '--test',
          'python3 -m pytest',
          '--base-url',
          server.url,
          '--model',
          MODEL,
          '--json',
        ]),
      );
      assert.equal(run.exitCode, 0, run.stderr);
      const out = JSON.parse(run.stdout);
      assert.deepEqual(Object.keys(out).sort(), [
        'after',
        'before',
        'durationMs',
        'isolation',
        'patch',
        'requests',
        'status',
        'turns',
        'usage',
      ]);
      assert.ok(['bwrap', 'seatbelt', 'none'].includes(out.isolation), out.isolation);
      assert.equal(out.status, 'fixed');
      assert.equal(out.turns, 1);
      assert.equal(out.requests, 1);
      assert.deepEqual(out.before, { passed: 3, failed: 1 });
      assert.deepEqual(out.after, { passed: 4, failed: 0 });
      assert.match(out.patch, /^\+\s+return sum\(xs\) \/ len\(xs\)$/m);
      assert.ok(out.usage.promptTokens > 0 && out.usage.completionTokens > 0);
      assert.match(run.stderr, /turn 1\/4/, 'progress goes to stderr');
      assert.deepEqual(await hashTree(project.root), before);
    } finally {
      await project.remove();
    }
  });

  it('prints the verified patch as a unified diff that git apply takes, and touches nothing', async () => {
    const project = await copyProject('js-buggy');
    try {
      const before = await hashTree(project.root);
      const run = await withServer([reply('js-total-unified-diff')], (server) =>
        cli(['repair', project.root, '--base-url', server.url, '--model', MODEL]),
      );
      assert.equal(run.exitCode, 0, run.stderr);
      assert.match(run.stdout, /^--- a\/src\/cart\.js$/m);
      assert.match(run.stdout, /^\+\+\+ b\/src\/cart\.js$/m);
      assert.match(run.stderr, /your files are unchanged/);
      assert.deepEqual(await hashTree(project.root), before);
      // execa strips the final newline, which git needs.
      await execa('git', ['apply', '--check', '-'], { cwd: project.root, input: `${run.stdout}\n` });
    } finally {
      await project.remove();
    }
  });

  it("--apply writes the fix, after which the project's own tests pass", async () => {
    const project = await copyProject('js-buggy');
    try {
      const run = await withServer([reply('js-total-whole-file')], (server) =>
        cli(['repair', project.root, '--base-url', server.url, '--model', MODEL, '--apply']),
      );
      assert.equal(run.exitCode, 0, run.stderr);
      assert.match(await readFile(path.join(project.root, 'src', 'cart.js'), 'utf8'), /item\.price \* item\.quantity/);
      const tests = await execa('node', ['--test'], { cwd: project.root, reject: false });
      assert.equal(tests.exitCode, 0, tests.stdout);
    } finally {
      await project.remove();
    }
  });

  it('exits 1 with status unfixed when the turns run out', async () => {
    const project = await copyProject('python-buggy');
    try {
      const run = await withServer([reply('python-mean-wrong-fix')], (server) =>
        cli(['repair', project.root, '--base-url', server.url, '--model', MODEL, '--max-turns', '1', '--json']),
      );
      assert.equal(run.exitCode, 1);
      const out = JSON.parse(run.stdout);
      assert.equal(out.status, 'unfixed');
      assert.equal(out.patch, '');
    } finally {
      await project.remove();
    }
  });

  it('exits 1 and names a flaky test, asking the model nothing, unless --no-flaky-check', async () => {
    const project = await copyProject('python-flaky');
    try {
      const run = await withServer([reply('python-warmup-always')], async (server) => {
        const flags = ['repair', project.root, '--base-url', server.url, '--model', MODEL, '--max-turns', '1'];
        const checked = await cli([...flags, '--json']);
        assert.equal(server.requests.filter((r) => r.path.endsWith('/chat/completions')).length, 0);
        return { checked, unchecked: await cli([...flags, '--no-flaky-check']) };
      });
      const warm = 'tests/test_warmup.py::test_cache_is_warm';
      assert.equal(run.checked.exitCode, 1, run.checked.stderr);
      const out = JSON.parse(run.checked.stdout);
      assert.equal(out.status, 'unfixed');
      assert.deepEqual(out.flaky, [warm]);
      assert.match(
        run.checked.stderr,
        /^flaky: tests\/test_warmup\.py::test_cache_is_warm \(failed, then passed on the unchanged code; not repaired\)$/m,
      );
      assert.match(
        run.checked.stderr,
        /test_cache_is_warm is flaky: it failed, then passed on the unchanged code; not repaired/,
      );
      assert.equal(run.unchecked.exitCode, 0, run.unchecked.stderr);
      assert.doesNotMatch(run.unchecked.stderr, /flaky/);
    } finally {
      await project.remove();
    }
  });

  describe('says what is wrong in one line, exit 2, no stack trace', () => {
    let project: Awaited<ReturnType<typeof copyProject>>;
    before(async () => {
      project = await copyProject('python-buggy');
    });
    after(() => project.remove());

    const oneLine = (stderr: string, pattern: RegExp): void => {
      const errors = stderr.split('\n').filter((l) => l.startsWith('error'));
      assert.equal(errors.length, 1, stderr);
      assert.match(errors[0]!, pattern);
      assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
    };

    it('no API key for a remote endpoint', async () => {
      const run = await cli(['repair', project.root, '--base-url', 'https://api.example.com/v1']);
      assert.equal(run.exitCode, 2);
      oneLine(run.stderr, /no API key: set SELF_REPAIR_API_KEY/);
    });

    it('no API key, with --json: still one JSON object on stdout', async () => {
      const run = await cli(['repair', project.root, '--base-url', 'https://api.example.com/v1', '--json']);
      assert.equal(run.exitCode, 2);
      const out = JSON.parse(run.stdout);
      assert.equal(out.status, 'error');
      assert.match(out.message, /no API key/);
      assert.equal(out.requests, 0);
    });

    it('an endpoint nobody listens on', async () => {
      const run = await cli(['repair', project.root, '--base-url', 'http://127.0.0.1:9/v1', '--model', MODEL]);
      assert.equal(run.exitCode, 2);
      oneLine(run.stderr, /cannot reach the model endpoint at http:\/\/127\.0\.0\.1:9\/v1/);
    });

    it('an unknown model', async () => {
      const run = await withServer([], (server) =>
        cli(['repair', project.root, '--base-url', server.url, '--model', 'gpt-nope', '--json']),
      );
      assert.equal(run.exitCode, 2);
      assert.equal(JSON.parse(run.stdout).status, 'error');
      assert.match(JSON.parse(run.stdout).message, /unknown model "gpt-nope"/);
      oneLine(run.stderr, /unknown model "gpt-nope"/);
    });

    it('a test command that does not exist', async () => {
      const run = await cli([
        'repair',
        project.root,
        '--test',
        'no-such-test-runner --all',
        '--base-url',
        'http://127.0.0.1:9/v1',
      ]);
      assert.equal(run.exitCode, 2);
      oneLine(run.stderr, /test command not found: no-such-test-runner/);
    });

    it('a bad option value', async () => {
      const run = await cli(['repair', project.root, '--max-turns', 'zero']);
      assert.equal(run.exitCode, 2);
      assert.match(run.stderr, /--max-turns must be a whole number/);
    });

    it('an option outside the limits the extension\u2019s settings share, which the help names with the defaults', async () => {
      const { candidatesPerTurn, maxTurns, timeoutSeconds, maxPromptTokens } = SETTING_LIMITS;
      const run = await cli(['repair', project.root, '--candidates', String(candidatesPerTurn.max + 1)]);
      assert.equal(run.exitCode, 2);
      assert.match(
        run.stderr,
        new RegExp(`--candidates must be a whole number from ${candidatesPerTurn.min} to ${candidatesPerTurn.max}`),
      );
      const help = (await cli(['repair', '--help'])).stdout.replace(/\s+/g, ' ');
      for (const [flag, limits] of [
        ['--max-turns <n>', maxTurns],
        ['--candidates <k>', candidatesPerTurn],
        ['--timeout <seconds>', timeoutSeconds],
        ['--max-prompt-tokens <n>', maxPromptTokens],
      ] as const) {
        assert.match(help, new RegExp(`${flag} [^-]*\\(default: ${limits.default}\\)`), flag);
      }
      assert.match(help, new RegExp(`default ${DEFAULT_MODEL}\\)`));
    });

    it('a project folder that does not exist', async () => {
      const run = await cli(['repair', path.join(project.root, 'missing'), '--base-url', 'http://127.0.0.1:9/v1']);
      assert.equal(run.exitCode, 2);
      oneLine(run.stderr, /project folder not found/);
    });
  });
});
