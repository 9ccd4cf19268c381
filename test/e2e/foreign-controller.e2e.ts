/**
 * "Self-repair" on a failed test of another extension's test controller: a test-only extension
 * (test/e2e/fixtures/foreign-controller) shows js-buggy's tests in the Test Explorer and reports the
 * cart total test failed. The action on its item repairs that very test, found from the item's file,
 * range and label; with `selfRepair.testExplorer: never` Self-repair adds no tree of its own.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ScriptedModelServer } from '../support/openai-server';
import { reply } from '../support/replies';
import { gate } from './support/gate';
import { useSession } from './support/session';
import { waitUntil } from './support/workbench';

const FOREIGN_EXTENSION = path.join(__dirname, 'fixtures', 'foreign-controller');
const FAILING = 'total multiplies price by quantity';
const PASSING = ['total of an empty cart is zero', 'count adds up quantities'];
const BUGGY_LINE = '    sum += item.price;';
const FIXED_LINE = '    sum += item.price * item.quantity;';
const CANDIDATE_TAB = /Self-repair candidate/;

describe('"Self-repair" on a failed item of another extension\u2019s test controller (js-buggy)', function () {
  const answer = gate();
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({
      replies: [
        async () => {
          await answer.opened;
          return reply('js-total-unified-diff');
        },
      ],
    });
  });
  after(async () => {
    answer.open();
    await server?.close();
  });

  const session = useSession({
    project: 'js-buggy',
    extensions: [FOREIGN_EXTENSION],
    userSettings: () => ({
      'selfRepair.baseUrl': server.url,
      'selfRepair.model': 'scripted-coder',
      'selfRepair.testExplorer': 'never',
      'selfRepair.reviewStyle': 'diff',
    }),
  });
  const cartOnDisk = () => readFile(path.join(session().workspace, 'src', 'cart.js'), 'utf8');

  /** Our own tree would label the file `test/cart.test.js`; the other controller labels it `cart.test.js`. */
  async function assertNoTreeOfOurs(): Promise<void> {
    const items = await session().workbench.testExplorerItems();
    assert.ok(!items.some((item) => item.startsWith('test/cart.test.js ')), `rows: ${JSON.stringify(items)}`);
    assert.ok(!items.some((item) => /^(Self-repair|Foreign Tests) \(/.test(item)), `rows: ${JSON.stringify(items)}`);
    assert.equal(items.filter((item) => item.startsWith(`${FAILING} `)).length, 1, `rows: ${JSON.stringify(items)}`);
  }

  it('the other controller runs its tests: its cart total item fails, and Self-repair shows no second tree', async () => {
    const { workbench } = session();
    await workbench.runAllTestsExpecting('cart.test.js', { failed: [FAILING], passed: PASSING });
    await workbench.screenshot('foreign-explorer-failing');
    // The log says why our tree stays empty: proof that it looked at the folder and decided.
    await workbench.runCommand('Self-repair: Show Log');
    const log = await workbench.waitForOutputChannel('Self-repair');
    assert.ok(
      log.some((line) =>
        /Test Explorer: the tests of .+ are not shown here: selfRepair\.testExplorer is "never"/.test(line),
      ),
      `log: ${JSON.stringify(log)}`,
    );
    await workbench.openTestExplorer();
    await assertNoTreeOfOurs();
  });

  it('"Self-repair" on its failed item of a file that is no test file says why, and asks the model nothing', async () => {
    const { workbench } = session();
    await workbench.expandTestItem(/^src\/cart\.js \(Failed\)$/);
    const row = await workbench.waitForTestItem(/^total is documented \(Failed\)$/);
    await row.click({ button: 'right' });
    await workbench.chooseContextMenuItem('Self-repair');
    await workbench.waitForNotification(
      /Self-repair cannot repair "total is documented": src\/cart\.js is not a test file for node-test/,
    );
    assert.equal(server.requests.length, 0);
  });

  it('right-click on its failed item \u2192 "Self-repair" repairs that test and opens the candidate', async () => {
    const { workbench } = session();
    const row = await workbench.waitForTestItem(new RegExp(`^${FAILING} \\(Failed\\)$`));
    await row.click({ button: 'right' });
    await workbench.chooseContextMenuItem('Self-repair');

    await workbench.waitForStatusBarItem(/Self-repair: turn 1\/4/);
    await waitUntil(async () => server.requests.length === 1, 'the model server to receive the request');
    const prompt = JSON.stringify(server.requests[0]!.body?.messages ?? []);
    assert.match(prompt, new RegExp(FAILING));
    assert.match(prompt, /7 !== 11/);
    answer.open();

    await workbench.activeTab(CANDIDATE_TAB).waitFor();
    assert.match(
      await workbench.activeTab(CANDIDATE_TAB).innerText(),
      /cart\.js ↔ Self-repair candidate 1\/1 \(3\/3 tests pass\)/,
    );
    assert.ok((await cartOnDisk()).includes(BUGGY_LINE), 'the candidate reached the disk before Accept');
    await workbench.screenshot('foreign-candidate-diff');
  });

  it('Accept writes the fix to src/cart.js, and the repair added no items of ours', async () => {
    const { workbench } = session();
    await workbench.clickEditorAction('Accept Candidate');
    await waitUntil(async () => (await cartOnDisk()).includes(FIXED_LINE), 'src/cart.js on disk to hold the fix');
    await workbench.waitForNotification(/Self-repair: applied the candidate to cart\.js/);
    assert.equal(server.requests.length, 1);
    await workbench.openTestExplorer();
    await assertNoTreeOfOurs();
    await workbench.screenshot('foreign-accepted');
  });
});
