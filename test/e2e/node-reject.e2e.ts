/**
 * Repairing a failing `node --test` test from its code lens, then rejecting the candidate: the
 * review closes and the source file stays byte for byte as it was.
 */
import assert from 'node:assert/strict';
import { ScriptedModelServer } from '../support/openai-server';
import { hashTree } from '../support/projects';
import { reply } from '../support/replies';
import { gate } from './support/gate';
import { useSession } from './support/session';
import { waitUntil } from './support/workbench';

const FAILING = 'total multiplies price by quantity';
const PASSING = ['total of an empty cart is zero', 'count adds up quantities'];

describe('rejecting a repair of a failing node --test test (js-buggy)', function () {
  const turn1 = gate();
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({
      replies: [
        async () => {
          await turn1.opened;
          return reply('js-total-unified-diff');
        },
      ],
    });
  });
  after(async () => {
    turn1.open();
    await server?.close();
  });

  const session = useSession({
    project: 'js-buggy',
    userSettings: () => ({
      'selfRepair.baseUrl': server.url,
      'selfRepair.model': 'scripted-coder',
      'selfRepair.reviewStyle': 'diff',
    }),
  });

  let treeBefore: Map<string, string>;

  it('shows the failing test in the Test Explorer', async () => {
    const { workbench, workspace } = session();
    treeBefore = await hashTree(workspace);
    assert.ok(treeBefore.has('src/cart.js'));
    await workbench.runAllTestsExpecting('test/cart.test.js', { failed: [FAILING], passed: PASSING });
    await workbench.screenshot('node-test-explorer-failing');
  });

  it('puts the "Self-repair" code lens over the failing test only', async () => {
    const { workbench } = session();
    const lenses = await workbench.codeLensesIn('test/cart.test.js', /Self-repair/);
    assert.deepEqual(
      lenses.map(({ line }) => line),
      [`test('${FAILING}', () => {`],
      `code lenses: ${JSON.stringify(lenses)}`,
    );
    assert.match(
      lenses[0]!.lens,
      /^Self-repair: fix "total multiplies price by quantity" — Expected values to be strictly equal: 7 !== 11/,
    );
    await workbench.screenshot('node-code-lens');
  });

  it('clicking the code lens repairs that test and opens the candidate in the diff editor', async () => {
    const { workbench } = session();
    await (await workbench.waitForCodeLens(/Self-repair/)).click();
    await workbench.waitForStatusBarItem(/Self-repair: turn 1\/4/);
    await workbench.screenshot('node-status-turn-1');
    turn1.open();
    // The end state shows for a while only: look before anything slower.
    await workbench.waitForStatusBarItem(/Self-repair: fixed/);

    await workbench.activeTab(/Self-repair candidate/).waitFor();
    assert.match(
      await workbench.activeTab(/Self-repair candidate/).innerText(),
      /cart\.js ↔ Self-repair candidate 1\/1 \(3\/3 tests pass\)/,
    );
    const { original, modified } = await workbench.diffEditorLines();
    assert.ok(original.includes('    sum += item.price;'), `left side: ${JSON.stringify(original)}`);
    assert.ok(modified.includes('    sum += item.price * item.quantity;'), `right side: ${JSON.stringify(modified)}`);
    assert.equal(server.requests.length, 1);
    assert.match(JSON.stringify(server.requests[0]!.body?.messages), new RegExp(FAILING));
    await workbench.screenshot('node-candidate-diff');
  });

  it('"Reject Candidate" closes the review and leaves src/cart.js byte-identical', async () => {
    const { workbench, workspace } = session();
    await workbench.clickEditorAction('Reject Candidate');
    // The status bar says how the review ended (for a few seconds: look first), then returns to idle.
    await workbench.waitForStatusBarItem(/Self-repair: rejected/);
    await waitUntil(async () => !/Self-repair/.test(await workbench.statusBarText()), 'the status bar to go idle');
    await workbench.waitForNotification(/Self-repair: candidate rejected; your files are unchanged\./);
    await workbench.activeTab(/Self-repair candidate/).waitFor({ state: 'detached' });
    assert.equal(
      await workbench.page
        .locator('.tab')
        .filter({ hasText: /Self-repair candidate/ })
        .count(),
      0,
    );
    const treeAfter = await hashTree(workspace);
    assert.equal(treeAfter.get('src/cart.js'), treeBefore.get('src/cart.js'));
    assert.deepEqual(treeAfter, treeBefore);
    await workbench.screenshot('node-rejected');
  });
});
