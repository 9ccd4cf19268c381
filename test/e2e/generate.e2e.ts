/**
 * Generate mode in a real VS Code: a file with a stub shows "Self-repair: Implement" over it; the
 * click runs the tests that call it against a scripted model, the verified body opens in the diff
 * editor, Accept writes it, and the tests pass.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../support/openai-server';
import { reply } from '../support/replies';
import { useSession } from './support/session';
import { waitUntil } from './support/workbench';

const execFileAsync = promisify(execFile);

const STUB_LINE = '    raise NotImplementedError("mean")';
const BODY_LINE = '    return sum(xs) / len(xs)';

/** A busy machine runs pytest in seconds each; the loop runs it a few times before the candidate shows. */
const LOOP_TIMEOUT_MS = 240_000;

describe('implementing a Python stub from its code lens (generate-python)', function () {
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({ replies: [reply('generate-python-mean')] });
  });
  after(async () => {
    await server?.close();
  });

  const session = useSession({
    project: path.resolve(__dirname, 'fixtures', 'generate-python'),
    // Fewer test runs before the first turn: this flow is about generating, not flaky tests or tracing.
    userSettings: () => ({
      'selfRepair.baseUrl': server.url,
      'selfRepair.model': 'scripted-coder',
      'selfRepair.flakyCheck': false,
      'selfRepair.tracing': false,
    }),
  });

  const coreOnDisk = () => readFile(path.join(session().workspace, 'stats', 'core.py'), 'utf8');

  it('puts "Self-repair: Implement" over the stub and over no function with a body', async () => {
    const { workbench } = session();
    const lenses = await workbench.codeLensesIn('stats/core.py', /Self-repair: Implement/);
    assert.deepEqual(
      lenses.map(({ line }) => line),
      ['def mean(xs):'],
      `code lenses: ${JSON.stringify(lenses)}`,
    );
    await workbench.screenshot('generate-implement-lens');
  });

  it('clicking it asks the model for the body and opens the verified candidate in the diff editor', async () => {
    const { workbench } = session();
    await (await workbench.waitForCodeLens(/Self-repair: Implement/)).click();
    await waitUntil(async () => server.requests.length === 1, 'the model server to receive turn 1', LOOP_TIMEOUT_MS);

    const prompt = JSON.stringify(server.requests[0]!.body?.messages ?? []);
    assert.match(prompt, /## Function to implement/);
    assert.match(prompt, /def test_mean_of_three/);

    await workbench.activeTab(/Self-repair candidate/).waitFor({ timeout: LOOP_TIMEOUT_MS });
    assert.equal(server.requests.length, 1);
    assert.match(
      await workbench.activeTab(/Self-repair candidate/).innerText(),
      /core\.py ↔ Self-repair candidate 1\/1 \(2\/2 tests pass\)/,
    );
    const { original, modified } = await workbench.diffEditorLines();
    assert.ok(original.includes(STUB_LINE), `left side: ${JSON.stringify(original)}`);
    assert.ok(modified.includes(BODY_LINE), `right side: ${JSON.stringify(modified)}`);
    assert.ok((await coreOnDisk()).includes(STUB_LINE), 'the candidate reached the disk before Accept');
    await workbench.screenshot('generate-candidate-diff');
  });

  it('Accept writes the body into stats/core.py, and the tests pass', async () => {
    const { workbench, workspace } = session();
    await workbench.clickEditorAction('Accept Candidate');
    await waitUntil(async () => (await coreOnDisk()).includes(BODY_LINE), 'stats/core.py on disk to hold the body');
    const source = await coreOnDisk();
    assert.ok(!source.includes(STUB_LINE));
    assert.ok(source.includes('    """Arithmetic mean of a non-empty sequence."""\n' + BODY_LINE), 'the docs stay');
    await workbench.waitForNotification(/Self-repair: applied the candidate to core\.py/);

    const { stdout } = await execFileAsync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
      cwd: workspace,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.match(stdout, /\b2 passed\b/);
    await workbench.screenshot('generate-accepted');
  });
});
