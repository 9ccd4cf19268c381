import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject, processesInSandboxes } from '../support/projects';
import { reply } from '../support/replies';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MODEL = 'scripted-coder';

async function execa(
  file: string,
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined> },
) {
  const { execa: run } = await import('execa');
  const result = await run(file, args, { ...options, reject: false, extendEnv: false, timeout: 300_000, all: true });
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    all: String(result.all),
  };
}

/** The user's environment without any key of ours. */
function userEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const name of Object.keys(env)) if (/^(SELF_REPAIR_|OPENAI_)/.test(name)) env[name] = undefined;
  return env;
}

describe('self-repair CLI on a Cargo project (real cargo, the built dist/cli.js)', function () {
  // A Rust crate builds in seconds on an idle machine and in tens of seconds on a busy one.
  this.timeout(300_000);

  before(async function () {
    if (!existsSync(CLI)) await execa('node', ['esbuild.mjs'], { cwd: ROOT, env: process.env });
  });

  it('refuses a candidate that edits the unit tests inside src/lib.rs, then applies the real fix; cargo test passes', async () => {
    const project = await copyProject('cargo-buggy');
    const server = await ScriptedModelServer.start({
      replies: [reply('rust-edits-unit-test'), reply('rust-mean-whole-function')],
      models: [MODEL],
    });
    try {
      const args = [CLI, 'repair', project.root, '--base-url', server.url, '--model', MODEL, '--apply'];
      const run = await execa('node', args, { env: userEnv() });
      assert.equal(run.exitCode, 0, run.stderr);
      assert.match(run.stderr, /running tests \(cargo test\): cargo test/);
      assert.match(
        run.stderr,
        /failing: src\/lib\.rs::tests::mean_of_three, tests\/api\.rs::mean_of_two/,
        'both binaries are read',
      );
      assert.match(run.stderr, /candidate 1: rejected: candidate edits test file src\/lib\.rs; tests are read-only/);
      assert.match(run.stderr, /fixed in 2 turns: 5 passed, 2 failed → 7 passed, 0 failed/);
      assert.match(run.stdout, /^\+ {4}Some\(sum \/ values\.len\(\) as f64\)$/m);

      const source = await readFile(path.join(project.root, 'src', 'lib.rs'), 'utf8');
      assert.match(source, /Some\(sum \/ values\.len\(\) as f64\)/, 'the fix is applied');
      assert.match(source, /assert_eq!\(mean\(&\[1\.0, 2\.0, 3\.0\]\), Some\(2\.0\)\);/, 'the test is as it was');

      const last: unknown = server.requests[0]?.body?.messages?.at(-1)?.content;
      const prompt = typeof last === 'string' ? last : '';
      assert.match(prompt, /Expected: Some\(2\.0\)\nActual: Some\(3\.0\)/, 'assert_eq!’s values reach the model');
      assert.match(prompt, /```rust\n#\[test\]\n {4}fn mean_of_three\(\)/, 'with the failing test’s code');

      const after = await execa('cargo', ['test', '--offline'], { cwd: project.root, env: process.env });
      assert.equal(after.exitCode, 0, after.all);
      assert.deepEqual(await processesInSandboxes(), []);
    } finally {
      await server.close();
      await project.remove();
    }
  });
});
