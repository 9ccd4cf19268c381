/**
 * A workspace folder that holds two projects and no framework at its top (monorepo-mixed:
 * packages/api runs node --test, py runs pytest): the Test Explorer runs each project, and a repair
 * from the palette in py's file runs pytest in py, reviews and accepts py's file.
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

const BUGGY_LINE = '    return sum(xs) / (len(xs) - 1)';
const FIXED_LINE = '    return sum(xs) / len(xs)';

describe('a monorepo folder: each test runs in its own project (monorepo-mixed)', function () {
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({ replies: [reply('python-mean-search-replace')] });
  });
  after(async () => {
    await server?.close();
  });

  const session = useSession({
    project: 'monorepo-mixed',
    userSettings: () => ({
      'selfRepair.baseUrl': server.url,
      'selfRepair.model': 'scripted-coder',
      'selfRepair.reviewStyle': 'diff',
    }),
  });

  const coreOnDisk = () => readFile(path.join(session().workspace, 'py', 'stats', 'core.py'), 'utf8');

  it('"Run All Tests" runs both projects: each failing test shows under its own file', async () => {
    const { workbench } = session();
    await workbench.runAllTestsExpecting('py/tests/test_core.py', {
      failed: ['test_mean'],
      passed: ['test_median_odd'],
    });
    await workbench.expandTestItem(/^packages\/api\/test\/cart\.test\.js \(Failed\)/);
    await workbench.waitForTestItem(/^total multiplies price by quantity \(Failed\)/);
    await workbench.waitForTestItem(/^count adds up quantities \(Passed\)/);
    await workbench.screenshot('monorepo-test-explorer');
  });

  it('the code lens sits over the failing test of each project', async () => {
    const { workbench } = session();
    const python = await workbench.codeLensesIn('py/tests/test_core.py', /Self-repair/);
    assert.deepEqual(
      python.map(({ line }) => line),
      ['def test_mean():'],
    );
    const js = await workbench.codeLensesIn('packages/api/test/cart.test.js', /Self-repair/);
    assert.deepEqual(
      js.map(({ line }) => line),
      ["test('total multiplies price by quantity', () => {"],
    );
  });

  it('"Self-repair" from the palette in py/stats/core.py repairs py: the candidate is verified by pytest there', async () => {
    const { workbench } = session();
    await workbench.openFile('py/stats/core.py');
    await workbench.runCommand('Self-repair');
    // Each stage waits on its own: the tests before the repair, the model's turn, the verification.
    await waitUntil(async () => server.requests.length === 1, 'the model server to receive turn 1');
    await workbench.waitForStatusBarItem(/Self-repair: fixed/);
    await workbench.activeTab(/Self-repair candidate/).waitFor();
    const title = await workbench.activeTab(/Self-repair candidate/).innerText();
    assert.match(title, /core\.py ↔ Self-repair candidate 1\/1 \(4\/4 tests pass\)/);
    const { original, modified } = await workbench.diffEditorLines();
    assert.ok(original.includes(BUGGY_LINE), `left side: ${JSON.stringify(original)}`);
    assert.ok(modified.includes(FIXED_LINE), `right side: ${JSON.stringify(modified)}`);
    assert.equal(server.requests.length, 1);
    assert.match(JSON.stringify(server.requests[0]!.body?.messages ?? []), /tests\/test_core\.py::test_mean/);
  });

  it('Accept writes py/stats/core.py, and pytest in py then passes', async () => {
    const { workbench, workspace } = session();
    await workbench.clickEditorAction('Accept Candidate');
    await waitUntil(async () => (await coreOnDisk()).includes(FIXED_LINE), 'py/stats/core.py on disk to hold the fix');
    await workbench.waitForNotification(/Self-repair: applied the candidate to core\.py/);
    const { stdout } = await execFileAsync('python3', ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
      cwd: path.join(workspace, 'py'),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.match(stdout, /\b4 passed\b/);
    await workbench.screenshot('monorepo-accepted');
  });
});
