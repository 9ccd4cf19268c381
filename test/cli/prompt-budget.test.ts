import assert from 'node:assert/strict';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { CHARS_PER_TOKEN } from '../../src/core/repair/prompt-budget';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject } from '../support/projects';

const ROOT = path.resolve(__dirname, '..', '..');
const MODEL = 'scripted-coder';
const NO_FIX = 'I cannot see a fix for this.';

/** Runs the CLI in this process against the scripted model; returns its exit status and stderr. */
async function repairWith(project: string, args: string[]) {
  const copy = await copyProject(project);
  const server = await ScriptedModelServer.start({ replies: [NO_FIX], models: [MODEL] });
  const stderr: string[] = [];
  try {
    const code = await main(
      ['repair', copy.root, '--base-url', server.url, '--model', MODEL, '--max-turns', '1', '--sandbox', 'off'].concat([
        '--no-flaky-check',
        ...args,
      ]),
      { stdout: () => {}, stderr: (text) => stderr.push(text), stderrIsTTY: false, cwd: ROOT, env: {} },
    );
    const messages = (server.requests[0]?.body?.messages ?? []).map((m) => String(m.content));
    return { code, stderr: stderr.join(''), messages };
  } finally {
    await server.close();
    await copy.remove();
  }
}

describe('CLI: the prompt budget (--max-prompt-tokens)', function () {
  this.timeout(120_000);

  it('sends a prompt within the budget, says what it left out, and with --verbose prints the prompt whole', async () => {
    // Five tests fail on one bug: their failures and test code do not all fit in 1,000 tokens.
    const run = await repairWith('python-stock', ['--max-prompt-tokens', '1000', '--verbose']);
    assert.equal(run.code, 1, run.stderr);
    const [system, user] = run.messages;
    assert.ok(system && user, 'the model got a system prompt and a user message');
    assert.ok(
      Math.ceil((system.length + user.length) / CHARS_PER_TOKEN) <= 1000,
      `${system.length + user.length} characters sent`,
    );
    assert.match(user, /### tests\/test_stock\.py::test_on_hand \(failed\)/, 'the first failure');
    assert.match(user, /def _units\(entries, sku\):/, 'the code under test');
    const line = /^ {2}prompt ~([\d,]+) tokens of 1,000(?:; cut short: [^;\n]+)?; left out: (.+)$/m.exec(run.stderr);
    assert.ok(line, run.stderr);
    assert.ok(Number(line[1]!.replace(/,/g, '')) <= 1000);
    assert.ok(line[2]!.split(', ').includes('failure of tests/test_stock.py::test_stock_value'), line[2]);
    assert.ok(!user.includes('### tests/test_stock.py::test_stock_value'), 'a failure left out is not sent');
    // The whole user message, as sent, after a note on the system prompt.
    assert.ok(run.stderr.includes(`then this user message ────\n${user.trimEnd()}\n──── end of the prompt`));
  });

  it('refuses a budget outside the settings\u2019 limits in one line', async () => {
    const run = await repairWith('python-stock', ['--max-prompt-tokens', '999']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--max-prompt-tokens must be a whole number from 1000 to 200000/);
    assert.deepEqual(run.messages, []);
  });
});
