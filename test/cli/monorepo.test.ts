import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject, hashTree } from '../support/projects';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';

/** execa is ESM-only; under tsx a static import would become a failing require(). */
async function run(file: string, args: string[], cwd?: string) {
  const { execa } = await import('execa');
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env))
    if (/^(SELF_REPAIR_|OPENAI_)/.test(name) && name !== 'SELF_REPAIR_SANDBOX_VIEW') env[name] = undefined;
  const result = await execa(file, args, { cwd, env, extendEnv: false, reject: false, timeout: 240_000 });
  return { exitCode: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** Runs the built CLI's `repair` with `args` against a scripted model that gives `replies`. */
async function repairWith(replies: string[], args: string[], cwd?: string) {
  const server = await ScriptedModelServer.start({ replies, models: [MODEL] });
  try {
    const result = await run('node', [CLI, 'repair', ...args, '--base-url', server.url, '--model', MODEL], cwd);
    return { ...result, requests: server.requests.length };
  } finally {
    await server.close();
  }
}

describe('CLI in a monorepo: the run starts at the nearest project above the path (dist/cli.js)', function () {
  this.timeout(300_000);
  let repo: Awaited<ReturnType<typeof copyProject>>;

  before(async () => {
    if (!existsSync(CLI)) await run('node', ['esbuild.mjs'], ROOT);
  });
  beforeEach(async () => {
    repo = await copyProject('monorepo-mixed');
  });
  afterEach(() => repo.remove());

  it("a test file named from the repository's top repairs its package: the patch applies there and its tests pass", async () => {
    const python = await hashTree(path.join(repo.root, 'py'));
    const api = path.join(repo.root, 'packages', 'api');
    const result = await repairWith(
      [reply('js-total-whole-function')],
      ['packages/api/test/cart.test.js', '--apply', '--json'],
      repo.root,
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /^project: packages\/api \(node --test\)$/m);
    const out = JSON.parse(result.stdout);
    assert.equal(out.status, 'fixed');
    assert.deepEqual(out.before, { passed: 2, failed: 1 });
    assert.match(out.patch, /^--- a\/src\/cart\.js$/m, 'patch paths are relative to the package');
    assert.match(await readFile(path.join(api, 'src', 'cart.js'), 'utf8'), /item\.price \* item\.quantity/);
    const tests = await run('node', ['--test'], api);
    assert.equal(tests.exitCode, 0, tests.stdout);
    assert.deepEqual(await hashTree(path.join(repo.root, 'py')), python, 'the other project is untouched');
  });

  it('a folder inside a Python package runs pytest at the package, beside a JavaScript one', async () => {
    const result = await repairWith([reply('python-mean-search-replace')], [path.join(repo.root, 'py', 'tests')]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /^project: .*py \(pytest\)$/m);
    assert.match(result.stdout, /^--- a\/stats\/core\.py$/m);
  });

  it('the bare top, with no framework of its own, exits 2 with one line naming the projects below it', async () => {
    const before = await hashTree(repo.root);
    const result = await repairWith([reply('js-total-whole-function')], [repo.root]);
    assert.equal(result.exitCode, 2, result.stderr);
    assert.equal(result.requests, 0, 'the model is never asked');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error: '));
    assert.deepEqual(errors, [
      `error: no test framework at ${repo.root}; projects below it: packages/api (node --test), py (pytest); run on one of them`,
    ]);
    assert.deepEqual(await hashTree(repo.root), before);
  });

  it('--test still runs at the folder given: the top, with the patch path relative to it', async () => {
    const result = await repairWith(
      [reply('js-total-whole-function')],
      [repo.root, '--test', 'node --test packages/api/test/', '--json'],
    );
    assert.equal(result.exitCode, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /^project: /m);
    assert.match(JSON.parse(result.stdout).patch, /^--- a\/packages\/api\/src\/cart\.js$/m);
  });
});
