import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject, hashTree } from '../support/projects';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';

/** Runs the built CLI on a copy of `project` against one scripted reply. */
async function repairCli(project: string, content: string, args: string[]) {
  const { execa } = await import('execa');
  const copy = await copyProject(project);
  const server = await ScriptedModelServer.start({ replies: [content], models: [MODEL] });
  try {
    const before = await hashTree(copy.root);
    const env: Record<string, string | undefined> = { ...process.env };
    for (const name of Object.keys(env)) if (/^(SELF_REPAIR_|OPENAI_)/.test(name)) env[name] = undefined;
    const cliArgs = [CLI, 'repair', copy.root, '--base-url', server.url, '--model', MODEL, '--max-turns', '1', ...args];
    const run = await execa('node', cliArgs, {
      reject: false,
      env,
      extendEnv: false,
      timeout: 120_000,
      encoding: 'utf8',
    });
    assert.deepEqual(await hashTree(copy.root), before, 'the user files stay as they were');
    return { exitCode: run.exitCode, stdout: String(run.stdout), stderr: String(run.stderr) };
  } finally {
    await server.close();
    await copy.remove();
  }
}

describe('self-repair CLI: test integrity', function () {
  this.timeout(120_000);

  before(async function () {
    if (!existsSync(CLI)) {
      const { execa } = await import('execa');
      await execa('node', ['esbuild.mjs'], { cwd: ROOT });
    }
  });

  it('--allow-test-edits takes a test edit and says which tests the patch edits', async () => {
    const run = await repairCli('python-buggy', reply('python-edits-test'), ['--allow-test-edits']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.match(run.stderr, /^this patch edits tests: tests\/test_core\.py$/m);
    assert.match(run.stdout, /^\+\+\+ b\/tests\/test_core\.py$/m);
  });

  it('without it, the same edit is rejected and the run ends unfixed', async () => {
    const run = await repairCli('python-buggy', reply('python-edits-test'), ['--json']);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { status: string }).status, 'unfixed');
  });

  it('warns when the fix may only make the test pass, on stderr and in --json', async () => {
    const hack = readFileSync(
      path.join(ROOT, 'test', 'fixtures', 'hacks', 'js-special-cases-total', 'reply.md'),
      'utf8',
    );
    const run = await repairCli('js-buggy', hack, ['--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { warnings?: string[] };
    assert.equal(out.warnings?.length, 1);
    assert.match(run.stderr, /^warning: this fix may only make the test pass \(it returns 11 from a branch/m);
  });
});
