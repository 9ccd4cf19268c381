/**
 * The review beyond the plain accept/reject: "Self-repair" on a failed test in the Test Explorer,
 * several candidates to step through, and the user's own edits, which Accept must never overwrite:
 * it places the fix onto an edit elsewhere in the file, and refuses when the user changed the very
 * line the fix changes.
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
import { waitUntil, type Workbench } from './support/workbench';

const execFileAsync = promisify(execFile);

const BUGGY_MEAN = '    return sum(xs) / (len(xs) - 1)';
const FIXED_MEAN = '    return sum(xs) / len(xs)';
const CANDIDATE_TAB = /Self-repair candidate/;

const modelSettings =
  (server: () => ScriptedModelServer, extra: Record<string, unknown> = {}) =>
  () => ({
    'selfRepair.baseUrl': server().url,
    'selfRepair.model': 'scripted-coder',
    // These flows review in the side-by-side diff; review-inline.e2e.ts covers the inline review.
    'selfRepair.reviewStyle': 'diff',
    ...extra,
  });

/** Waits until the active diff editor's right side renders `line` (it renders a moment after the tab shows). */
async function waitForCandidateLine(
  workbench: Workbench,
  line: string,
): Promise<{ original: string[]; modified: string[] }> {
  let sides = { original: [] as string[], modified: [] as string[] };
  await waitUntil(
    async () => (sides = await workbench.diffEditorLines()).modified.includes(line),
    `the candidate's side of the diff to show ${JSON.stringify(line)}`,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; it shows ${JSON.stringify(sides.modified)}`);
  });
  return sides;
}

/** Clicks the editor line that reads `text` (as a person puts the cursor there), leaving the editor focused. */
async function clickLine(workbench: Workbench, text: string): Promise<void> {
  // The editor renders spaces as non-breaking ones; \s matches both.
  const pattern = text
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/ /g, '\\s');
  const line = workbench.page
    .locator('.editor-group-container.active .monaco-editor .view-lines .view-line')
    .filter({ hasText: new RegExp(`^\\s*${pattern}\\s*$`) })
    .first();
  await line.click();
}

/**
 * A screenshot once the window has stopped moving: a toast or menu caught fading in is hard to read.
 * Endless animations (the status bar's spinner) are not waited for.
 */
async function screenshot(workbench: Workbench, name: string): Promise<void> {
  await waitUntil(
    () =>
      workbench.page
        .locator('body')
        .evaluate((body) =>
          body
            .getAnimations({ subtree: true })
            .every(
              (a: { playState: string; effect: { getTiming(): { iterations?: number } } | null }) =>
                a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity,
            ),
        ),
    'the window\u2019s animations to finish',
  );
  await workbench.screenshot(name);
}

/** Back from the user's file to the candidate under review, by its tab. */
async function returnToCandidate(workbench: Workbench): Promise<void> {
  await workbench.page.locator('.editor-group-container.active .tab').filter({ hasText: CANDIDATE_TAB }).click();
  await workbench.activeTab(CANDIDATE_TAB).waitFor();
}

describe('"Self-repair" on a failed test in the Test Explorer, accepted onto a later edit of the user (python-buggy)', function () {
  const answer = gate();
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({
      replies: [
        async () => {
          await answer.opened;
          return reply('python-mean-search-replace');
        },
      ],
    });
  });
  after(async () => {
    answer.open();
    await server?.close();
  });

  const session = useSession({ project: 'python-buggy', userSettings: modelSettings(() => server) });
  const coreOnDisk = () => readFile(path.join(session().workspace, 'stats', 'core.py'), 'utf8');
  const NOTE = '# mean() of an empty list raises ZeroDivisionError: callers check first.';

  it('right-click test_mean → "Self-repair" asks the model about test_mean and opens the candidate', async () => {
    const { workbench } = session();
    const row = await workbench.runAllTestsExpecting('tests/test_core.py', { failed: ['test_mean'], passed: [] });
    await row.click({ button: 'right' });
    await workbench.page.locator('.context-view .monaco-menu').waitFor();
    await screenshot(workbench, 'more-explorer-context-menu');
    await workbench.chooseContextMenuItem('Self-repair');

    await workbench.waitForStatusBarItem(/Self-repair: turn 1\/4/);
    await waitUntil(async () => server.requests.length === 1, 'the model server to receive the request');
    const prompt = JSON.stringify(server.requests[0]!.body?.messages ?? []);
    assert.match(prompt, /test_mean/);
    assert.match(prompt, /assert 3\.0 == 2\.0/);
    answer.open();

    await workbench.activeTab(CANDIDATE_TAB).waitFor();
    assert.match(
      await workbench.activeTab(CANDIDATE_TAB).innerText(),
      /core\.py ↔ Self-repair candidate 1\/1 \(4\/4 tests pass\)/,
    );
    const { original } = await waitForCandidateLine(workbench, FIXED_MEAN);
    assert.ok(original.includes(BUGGY_MEAN), `left side: ${JSON.stringify(original)}`);
    assert.equal(server.requests.length, 1);
    await screenshot(workbench, 'more-explorer-candidate');
  });

  it('the user adds a note at the end of stats/core.py; Accept places the fix onto it', async () => {
    const { workbench } = session();
    const original = await coreOnDisk();
    await workbench.openFile('stats/core.py');
    await clickLine(workbench, 'def variance(xs):');
    await workbench.page.keyboard.press('Control+End');
    await workbench.page.keyboard.type(NOTE);
    await workbench.page.keyboard.press('Escape'); // no suggestion may take the Enter
    await workbench.page.keyboard.press('Enter');
    await workbench.page.keyboard.press('Control+S');
    await waitUntil(async () => (await coreOnDisk()) === `${original}${NOTE}\n`, 'the user\u2019s note to be saved');
    await screenshot(workbench, 'more-rebase-user-note');

    await returnToCandidate(workbench);
    await workbench.clickEditorAction('Accept Candidate');
    await workbench.activeTab(CANDIDATE_TAB).waitFor({ state: 'detached' });
    const message = await workbench.waitForNotification(/Self-repair: applied the candidate/);
    assert.equal(
      message,
      'Self-repair: applied the candidate to core.py, placed onto your edits in stats/core.py; run the tests to check. Undo reverts it.',
    );
    const expected = `${original.replace(`${BUGGY_MEAN}\n`, `${FIXED_MEAN}\n`)}${NOTE}\n`;
    assert.notEqual(expected, `${original}${NOTE}\n`);
    assert.equal(await coreOnDisk(), expected);
    await screenshot(workbench, 'more-rebase-accepted');
  });
});

// Skipped: the first verified fix now cancels its siblings (issue 12's economy), so on a small machine,
// where candidates are verified one at a time, a turn never offers two verified candidates to step
// through. The flow needs a scenario where both verify at once, or a sibling verified before the fix.
describe.skip('two verified candidates: Next Candidate, then Accept the second (js-buggy) — skipped: a verified fix cancels its siblings', function () {
  // One gate for both replies: the turn's request is seen in flight before either answer comes.
  const answers = gate();
  let server: ScriptedModelServer;

  before(async () => {
    // An endpoint that honours `n`: both candidates come from one request.
    server = await ScriptedModelServer.start({
      n: 'honour',
      replies: [
        async () => {
          await answers.opened;
          return reply('js-total-unified-diff');
        },
        async () => {
          await answers.opened;
          return reply('js-total-whole-function');
        },
      ],
    });
  });
  after(async () => {
    answers.open();
    await server?.close();
  });

  const session = useSession({
    project: 'js-buggy',
    userSettings: modelSettings(() => server, { 'selfRepair.candidatesPerTurn': 2 }),
  });
  const cartOnDisk = () => readFile(path.join(session().workspace, 'src', 'cart.js'), 'utf8');
  const BUGGY = '    sum += item.price;';
  // Ranked by tests passed, then by the smaller patch: the one-line fix comes first.
  const FIRST = '    sum += item.price * item.quantity;';
  const SECOND = '  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);';

  it('asks for two candidates in one request (n) and shows "candidate 1/2" in the diff editor', async () => {
    const { workbench } = session();
    await workbench.openFile('src/cart.js');
    await workbench.runCommand('Self-repair');
    await workbench.waitForStatusBarItem(/Self-repair: turn 1\/4/);
    await waitUntil(async () => server.requests.length === 1, 'the request of turn 1 to reach the model server');
    assert.equal(server.requests[0]!.body?.n, 2, 'one request asks for both candidates');
    answers.open();

    await workbench.activeTab(/candidate 1\/2/).waitFor();
    assert.match(
      await workbench.activeTab(CANDIDATE_TAB).innerText(),
      /cart\.js ↔ Self-repair candidate 1\/2 \(3\/3 tests pass\)/,
    );
    const { original, modified } = await waitForCandidateLine(workbench, FIRST);
    assert.ok(original.includes(BUGGY), `left side: ${JSON.stringify(original)}`);
    assert.ok(!modified.includes(SECOND));
    assert.equal(server.requests.length, 2);
    // The review's state is in the status bar, not in a notification whose buttons would outlive it.
    await workbench.waitForStatusBarItem(/Self-repair: fixed · reviewing candidate 1\/2 \(3\/3 tests pass\)/);
    assert.ok(!(await workbench.notificationsText()).some((m) => /candidate 1\/2/.test(m)));
    await screenshot(workbench, 'more-two-candidates-first');
  });

  it('"Next Candidate" shows candidate 2/2 with the other fix', async () => {
    const { workbench } = session();
    await workbench.clickEditorAction('Next Candidate');
    await workbench.activeTab(/candidate 2\/2/).waitFor();
    assert.match(
      await workbench.activeTab(CANDIDATE_TAB).innerText(),
      /cart\.js ↔ Self-repair candidate 2\/2 \(3\/3 tests pass\)/,
    );
    const { original, modified } = await waitForCandidateLine(workbench, SECOND);
    assert.ok(original.includes(BUGGY), `left side: ${JSON.stringify(original)}`);
    assert.ok(!modified.includes(FIRST));
    // The first candidate's editor made way for the second.
    assert.equal(
      await workbench.page
        .locator('.tab')
        .filter({ hasText: /candidate 1\/2/ })
        .count(),
      0,
    );
    await screenshot(workbench, 'more-two-candidates-second');
  });

  it('Accept writes the second candidate to src/cart.js, and the tests pass', async () => {
    const { workbench, workspace } = session();
    await workbench.clickEditorAction('Accept Candidate');
    await workbench.activeTab(CANDIDATE_TAB).waitFor({ state: 'detached' });
    await workbench.waitForNotification(/^Self-repair: applied the candidate to cart\.js\. Undo reverts it\.$/);
    const cart = await cartOnDisk();
    assert.ok(cart.includes(`${SECOND}\n`), cart);
    assert.ok(!cart.includes(FIRST) && !cart.includes(BUGGY), cart);
    const { stdout } = await execFileAsync(process.execPath, ['--test'], { cwd: workspace });
    assert.match(stdout, /# pass 3\b/);
    assert.match(stdout, /# fail 0\b/);
    await screenshot(workbench, 'more-two-candidates-accepted');
  });
});

describe('Accept refuses when the user changed the line the candidate changes (python-buggy)', function () {
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({ replies: [reply('python-mean-search-replace')] });
  });
  after(async () => {
    await server?.close();
  });

  const session = useSession({ project: 'python-buggy', userSettings: modelSettings(() => server) });
  const coreOnDisk = () => readFile(path.join(session().workspace, 'stats', 'core.py'));
  const USERS_FIX = 'return sum(xs) / max(len(xs) - 1, 1)';

  it('"Repair This Test" with the cursor in test_mean opens the candidate', async () => {
    const { workbench } = session();
    await workbench.openFile('tests/test_core.py');
    await clickLine(workbench, 'assert mean([1, 2, 3]) == 2.0');
    await workbench.runCommand('Self-repair: Repair This Test');
    await workbench.activeTab(CANDIDATE_TAB).waitFor();
    assert.match(await workbench.activeTab(CANDIDATE_TAB).innerText(), /core\.py ↔ Self-repair candidate 1\/1/);
    await waitForCandidateLine(workbench, FIXED_MEAN);
    assert.match(JSON.stringify(server.requests[0]!.body?.messages ?? []), /test_mean/);
  });

  it('the user rewrites that line; Accept leaves their text byte for byte and says why', async () => {
    const { workbench } = session();
    await workbench.openFile('stats/core.py');
    await clickLine(workbench, BUGGY_MEAN);
    await workbench.page.keyboard.press('End');
    await workbench.page.keyboard.press('Shift+Home'); // to the first non-blank: the indentation stays
    await workbench.page.keyboard.type(USERS_FIX);
    await workbench.page.keyboard.press('Escape');
    await workbench.page.keyboard.press('Control+S');
    let saved = Buffer.alloc(0);
    await waitUntil(
      async () => (saved = await coreOnDisk()).includes(`    ${USERS_FIX}\n`),
      'the user\u2019s line to be saved',
    );
    assert.ok(!saved.includes(BUGGY_MEAN));

    await returnToCandidate(workbench);
    await workbench.clickEditorAction('Accept Candidate');
    const message = await workbench.waitForNotification(/does not fit your edits/);
    assert.equal(
      message,
      'Self-repair: stats/core.py changed since the repair started and the candidate does not fit your edits; nothing was changed (repair again)',
    );
    await screenshot(workbench, 'more-conflict-refused');
    assert.deepEqual(await coreOnDisk(), saved);
    // Nothing was applied in the editor either: their document is as they saved it.
    await workbench.openFile('stats/core.py');
    assert.ok((await workbench.editorLines()).includes(`    ${USERS_FIX}`));
    assert.equal(await workbench.page.locator('.tab.dirty').count(), 0);
    assert.deepEqual(await coreOnDisk(), saved);
    await screenshot(workbench, 'more-conflict-user-text-kept');
  });
});
