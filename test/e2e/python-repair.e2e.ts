/**
 * The whole repair of a failing pytest test in a real VS Code, as a person does it: run the tests
 * in the Test Explorer, see the code lens over the failing test, run "Self-repair" from the palette
 * against a scripted model, watch the turns in the status bar, review the candidate in the diff
 * editor, accept it, and see the tests pass.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ScriptedModelServer } from '../support/openai-server';
import { reply } from '../support/replies';
import { gate } from './support/gate';
import { useSession } from './support/session';
import { waitUntil } from './support/workbench';

const execFileAsync = promisify(execFile);

const BUGGY_LINE = '    return sum(xs) / (len(xs) - 1)';
const FIXED_LINE = '    return sum(xs) / len(xs)';
const PASSING = ['test_median_odd', 'test_median_even', 'test_median_single'];

describe('repairing a failing pytest test (python-buggy)', function () {
  // Each reply waits for its gate, so the test sees each turn in the status bar before it ends.
  const turn1 = gate();
  const turn2 = gate();
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({
      replies: [
        async () => {
          await turn1.opened;
          return reply('python-mean-wrong-fix');
        },
        async () => {
          await turn2.opened;
          return reply('python-mean-search-replace');
        },
      ],
    });
  });
  after(async () => {
    turn1.open();
    turn2.open();
    await server?.close();
  });

  const session = useSession({
    project: 'python-buggy',
    userSettings: () => ({
      'selfRepair.baseUrl': server.url,
      'selfRepair.model': 'scripted-coder',
      'selfRepair.reviewStyle': 'diff',
    }),
  });

  const coreOnDisk = () => readFile(path.join(session().workspace, 'stats', 'core.py'), 'utf8');

  it('shows test_mean failed and the other tests passed in the Test Explorer', async () => {
    const { workbench } = session();
    await workbench.runAllTestsExpecting('tests/test_core.py', { failed: ['test_mean'], passed: PASSING });
    await workbench.screenshot('python-test-explorer-failing');
  });

  it('puts the "Self-repair" code lens over test_mean and over no passing test', async () => {
    const { workbench } = session();
    const lenses = await workbench.codeLensesIn('tests/test_core.py', /Self-repair/);
    assert.deepEqual(
      lenses.map(({ line }) => line),
      ['def test_mean():'],
      `code lenses: ${JSON.stringify(lenses)}`,
    );
    assert.match(lenses[0]!.lens, /^Self-repair: fix "test_mean" — assert 3\.0 == 2\.0$/);
    await workbench.screenshot('python-code-lens');
  });

  it('"Self-repair" from the palette asks the model twice, each turn in the status bar', async () => {
    const { workbench } = session();
    await workbench.openFile('stats/core.py');
    await workbench.runCommand('Self-repair');

    const status = await workbench.waitForStatusBarItem(/Self-repair: turn 1\/4/);
    assert.match(await status.innerText(), /tests 3\/4/);
    await waitUntil(async () => server.requests.length === 1, 'the model server to receive turn 1');
    await workbench.waitForNotification(/^Self-repair: turn 1\/4: asking scripted-coder/);
    await workbench.screenshot('python-status-turn-1');
    turn1.open();

    await workbench.waitForStatusBarItem(/Self-repair: turn 2\/4/);
    await waitUntil(async () => server.requests.length === 2, 'the model server to receive turn 2');
    await workbench.waitForNotification(/^Self-repair: turn 2\/4: asking scripted-coder/);
    await workbench.screenshot('python-status-turn-2');
    turn2.open();

    await workbench.waitForStatusBarItem(/Self-repair: fixed/);
    assert.equal(server.requests.length, 2);
    const [first, second] = server.requests.map((request) => JSON.stringify(request.body?.messages ?? []));
    assert.doesNotMatch(first!, /divisor is off by two/);
    // The second turn tells the model what its first explanation and fix did.
    assert.match(second!, /I think the divisor is off by two/);
    assert.equal(server.requests[1]!.body?.model, 'scripted-coder');
  });

  it('opens the verified candidate in the diff editor, leaving the file as it was', async () => {
    const { workbench } = session();
    await workbench.activeTab(/Self-repair candidate/).waitFor();
    const title = await workbench.activeTab(/Self-repair candidate/).innerText();
    assert.match(title, /core\.py ↔ Self-repair candidate 1\/1 \(4\/4 tests pass\)/);
    const { original, modified } = await workbench.diffEditorLines();
    assert.ok(original.includes(BUGGY_LINE), `left side: ${JSON.stringify(original)}`);
    assert.ok(modified.includes(FIXED_LINE), `right side: ${JSON.stringify(modified)}`);
    assert.ok(!modified.includes(BUGGY_LINE));
    await workbench.waitForStatusBarItem(/Self-repair: fixed · reviewing candidate 1\/1 \(4\/4 tests pass\)/);
    assert.ok((await coreOnDisk()).includes(BUGGY_LINE), 'the candidate reached the disk before Accept');
    await workbench.screenshot('python-candidate-diff');
  });

  it('Accept writes stats/core.py on disk, and then every test passes', async () => {
    const { workbench, workspace } = session();
    await workbench.clickEditorAction('Accept Candidate');
    await waitUntil(async () => (await coreOnDisk()).includes(FIXED_LINE), 'stats/core.py on disk to hold the fix');
    assert.ok(!(await coreOnDisk()).includes(BUGGY_LINE));
    await workbench.waitForNotification(/Self-repair: applied the candidate to core\.py/);
    await workbench.activeTab(/Self-repair candidate/).waitFor({ state: 'detached' });

    // A fresh Test Explorer run, not the results the repair reported: clear them first.
    await workbench.runCommand('Test: Clear All Results');
    await workbench.waitForTestItem(/^tests\/test_core\.py \(Not yet run\)/);
    await workbench.runCommand('Test: Run All Tests');
    await workbench.waitForTestItem(/^tests\/test_core\.py \(Passed\)/);
    await workbench.expandTestItem(/^tests\/test_core\.py/);
    for (const name of ['test_mean', ...PASSING]) await workbench.waitForTestItem(new RegExp(`^${name} \\(Passed\\)`));
    await workbench.screenshot('python-accepted-tests-pass');

    const { stdout } = await execFileAsync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
      cwd: workspace,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.match(stdout, /\b4 passed\b/);
  });
});
