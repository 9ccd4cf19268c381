/**
 * The repair of a failing vitest test in a TypeScript project, in a real VS Code: the Test Explorer
 * lists the test inside its nested describes and shows it failed, the code lens over it starts the
 * repair against a scripted model, the candidate opens in the diff editor, and Accept writes the
 * fix, after which the Test Explorer and vitest itself see every test pass.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { ScriptedModelServer } from '../support/openai-server';
import { reply } from '../support/replies';
import { gate } from './support/gate';
import { useSession } from './support/session';
import { waitUntil } from './support/workbench';

const execFileAsync = promisify(execFile);

const TEST_FILE = 'test/stats.test.ts';
const FAILING = 'picks the middle of unsorted values';
const PASSING = ['averages', 'averages the two middle values', 'finds the range'];
const BUGGY_LINE = '  const middle = Math.floor(values.length / 2);';
const FIXED_LINE = '  const sorted = [...values].sort((a, b) => a - b);';

describe('repairing a failing vitest test in TypeScript (vitest-buggy)', function () {
  // The reply waits for its gate, so the test sees the turn in the status bar before it ends.
  const turn1 = gate();
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({
      replies: [
        async () => {
          await turn1.opened;
          return reply('vitest-median');
        },
      ],
    });
  });
  after(async () => {
    turn1.open();
    await server?.close();
  });

  const session = useSession({
    project: 'vitest-buggy',
    userSettings: () => ({
      'selfRepair.baseUrl': server.url,
      'selfRepair.model': 'scripted-coder',
      'selfRepair.reviewStyle': 'diff',
    }),
  });

  const statsOnDisk = () => readFile(path.join(session().workspace, 'src', 'stats.ts'), 'utf8');

  it('shows the median test failed inside its describes in the Test Explorer, the others passed', async () => {
    const { workbench } = session();
    await workbench.openTestExplorer();
    await workbench.runCommand('Test: Run All Tests');
    await workbench.expandTestItem(new RegExp(`^${TEST_FILE.replace(/\./g, '\\.')} \\(Failed\\)`));
    await workbench.expandTestItem(/^stats \(Failed\)/);
    await workbench.expandTestItem(/^median \(Failed\)/);
    await workbench.waitForTestItem(new RegExp(`^${FAILING} \\(Failed\\)`));
    for (const name of PASSING) await workbench.waitForTestItem(new RegExp(`^${name} \\(Passed\\)`));
    await workbench.screenshot('vitest-test-explorer-failing');
  });

  it('puts the "Self-repair" code lens over the failing test only', async () => {
    const { workbench } = session();
    const over = [`it('${FAILING}', () => {`];
    let lenses = await workbench.codeLensesIn(TEST_FILE, /Self-repair/);
    // Read right after the file opens, the lens has at times measured as over the next line while the
    // editor was still laying it out: the layout that settles is what a person sees.
    await waitUntil(async () => {
      lenses = await workbench.codeLensLines();
      return JSON.stringify(lenses.map(({ line }) => line.trim())) === JSON.stringify(over);
    }, 'the code lens to stand over the failing test').catch(() => undefined);
    assert.deepEqual(
      lenses.map(({ line }) => line.trim()),
      over,
      `code lenses: ${JSON.stringify(lenses)}`,
    );
    assert.match(
      lenses[0]!.lens,
      /^Self-repair: fix "picks the middle of unsorted values" — expected 1 to be 5 \/\/ Object\.is equality$/,
    );
    await workbench.screenshot('vitest-code-lens');
  });

  it('clicking the code lens repairs that test and opens the candidate in the diff editor', async () => {
    const { workbench } = session();
    await (await workbench.waitForCodeLens(/Self-repair/)).click();
    await workbench.waitForStatusBarItem(/Self-repair: turn 1\/4/);
    await waitUntil(async () => server.requests.length === 1, 'the model server to receive turn 1');
    turn1.open();
    await workbench.waitForStatusBarItem(/Self-repair: fixed/);

    await workbench.activeTab(/Self-repair candidate/).waitFor();
    assert.match(
      await workbench.activeTab(/Self-repair candidate/).innerText(),
      /stats\.ts ↔ Self-repair candidate 1\/1 \(4\/4 tests pass\)/,
    );
    const { original, modified } = await workbench.diffEditorLines();
    assert.ok(original.includes(BUGGY_LINE), `left side: ${JSON.stringify(original)}`);
    assert.ok(modified.includes(FIXED_LINE), `right side: ${JSON.stringify(modified)}`);
    assert.ok(!modified.includes(BUGGY_LINE));
    // The prompt is about the test the lens stood over.
    assert.match(JSON.stringify(server.requests[0]!.body?.messages), new RegExp(FAILING));
    assert.ok((await statsOnDisk()).includes(BUGGY_LINE), 'the candidate reached the disk before Accept');
    await workbench.screenshot('vitest-candidate-diff');
  });

  it('Accept writes src/stats.ts on disk, and then every test passes', async () => {
    const { workbench, workspace } = session();
    await workbench.clickEditorAction('Accept Candidate');
    await waitUntil(async () => (await statsOnDisk()).includes(FIXED_LINE), 'src/stats.ts on disk to hold the fix');
    assert.ok(!(await statsOnDisk()).includes(BUGGY_LINE));
    await workbench.waitForNotification(/Self-repair: applied the candidate to stats\.ts/);
    await workbench.activeTab(/Self-repair candidate/).waitFor({ state: 'detached' });

    // A fresh Test Explorer run, not the results the repair reported: clear them first.
    await workbench.runCommand('Test: Clear All Results');
    await workbench.runCommand('Test: Run All Tests');
    await workbench.waitForTestItem(new RegExp(`^${FAILING} \\(Passed\\)`));
    await workbench.waitForTestItem(/^stats \(Passed\)/);
    await workbench.screenshot('vitest-accepted-tests-pass');

    const { stdout } = await execFileAsync('npx', ['vitest', 'run'], { cwd: workspace });
    assert.match(stripVTControlCharacters(stdout), /Tests\s+4 passed \(4\)/);
  });
});
