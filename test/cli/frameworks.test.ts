import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ScriptedModelServer, type ScriptedReply } from '../support/openai-server';
import { copyProject } from '../support/projects';
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

/** Repairs a copy of the fixture through the built CLI with --apply, against the scripted model. */
async function repairWithCli(project: string, replies: ScriptedReply[], extra: string[] = []) {
  const server = await ScriptedModelServer.start({ replies, models: [MODEL] });
  const copy = await copyProject(project);
  try {
    const args = ['repair', copy.root, '--base-url', server.url, '--model', MODEL, '--apply', '--json', ...extra];
    const result = await run('node', [CLI, ...args]);
    const prompt = server.requests.flatMap((r) => (r.body?.messages ?? []).map((m) => String(m.content))).join('\n');
    return { ...result, root: copy.root, prompt, remove: copy.remove };
  } catch (error) {
    await copy.remove();
    throw error;
  } finally {
    await server.close();
  }
}

function hasGo(): boolean {
  try {
    execFileSync('go', ['version']);
    return true;
  } catch {
    return false;
  }
}

describe('CLI repairs a project of each framework end to end (dist/cli.js, real frameworks)', function () {
  this.timeout(300_000);

  before(async () => {
    if (!existsSync(CLI)) await run('node', ['esbuild.mjs'], ROOT);
  });

  it('unittest: detected without pytest, the failing assertion reaches the model, the fix applies and passes', async () => {
    const repaired = await repairWithCli('unittest-buggy', [reply('python-mean-search-replace')]);
    try {
      assert.equal(repaired.exitCode, 0, repaired.stderr);
      const out = JSON.parse(repaired.stdout);
      assert.equal(out.status, 'fixed');
      assert.deepEqual(out.before, { passed: 1, failed: 2 });
      assert.deepEqual(out.after, { passed: 3, failed: 0 });
      assert.match(repaired.stderr, /unittest/);
      assert.match(repaired.prompt, /tests\/test_core\.py::TestMean::test_mean/);
      assert.match(repaired.prompt, /AssertionError: 3\.0 != 2\.0/);
      assert.doesNotMatch(repaired.prompt, /\(failures=\d+\)/);
      assert.match(await readFile(path.join(repaired.root, 'stats', 'core.py'), 'utf8'), /sum\(xs\) \/ len\(xs\)$/m);
      const after = await run('python3', ['-m', 'unittest', 'discover', '-s', 'tests'], repaired.root);
      assert.equal(after.exitCode, 0, after.stderr);
    } finally {
      await repaired.remove();
    }
  });

  it('go test: the failing test and its message reach the model, the new function applies and go test passes', async function () {
    if (!hasGo()) {
      console.log('      (skipped: go is not installed; npm run setup:frameworks installs Debian’s golang-go)');
      this.skip();
    }
    const repaired = await repairWithCli('go-buggy', [reply('go-mean-whole-function')]);
    try {
      assert.equal(repaired.exitCode, 0, repaired.stderr);
      const out = JSON.parse(repaired.stdout);
      assert.equal(out.status, 'fixed');
      assert.deepEqual(out.before, { passed: 5, failed: 1 });
      assert.deepEqual(out.after, { passed: 6, failed: 0 });
      assert.match(repaired.prompt, /example\.com\/gobuggy\/stats::TestMean/);
      assert.match(repaired.prompt, /Mean\(\[1 2 3\]\) = 3, want 2/);
      assert.match(repaired.prompt, /func TestMean\(t \*testing\.T\)/, 'the failing test’s own code');
      assert.match(
        await readFile(path.join(repaired.root, 'stats', 'stats.go'), 'utf8'),
        /sum \/ float64\(len\(xs\)\)$/m,
      );
      const after = await run('go', ['test', './...'], repaired.root);
      assert.equal(after.exitCode, 0, after.stdout);
    } finally {
      await repaired.remove();
    }
  });
});
