/**
 * The inline review (`selfRepair.reviewStyle: inline`, the default): the verified candidate shows in
 * the user's own editor — removed lines struck through, added lines as ghost text beside them, Accept /
 * Reject over each change and for the whole candidate, the explanation's first sentence under the
 * change — and its controls end with it: the status bar says how it ended, then returns to idle.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ScriptedModelServer } from '../support/openai-server';
import { reply } from '../support/replies';
import { useSession } from './support/session';
import { waitUntil, type Workbench } from './support/workbench';

const BUGGY = '    return sum(xs) / (len(xs) - 1)';
const FIXED = '    return sum(xs) / len(xs)';
const COMMENT = '    # the mean of the values, then the mean squared distance from it';
const REPAIR_MS = 240_000;
const REVIEWING = /Self-repair: fixed · reviewing candidate 1\/1 \(4\/4 tests pass\)/;

/** The little of the DOM the page function below reads (this project compiles without the DOM library). */
interface DomElement {
  textContent: string | null;
  style: { top: string };
  querySelectorAll(selector: string): Iterable<DomElement>;
}
declare function getComputedStyle(
  element: DomElement,
  pseudo?: string,
): { content: string; textDecorationLine: string };

/**
 * Each rendered line of the active editor, top to bottom: its text with the ghost text after it
 * (injected text or a ::after pseudo-element, however the editor renders it) and whether it is struck through.
 */
async function decoratedLines(workbench: Workbench): Promise<{ text: string; ghost: string; struck: boolean }[]> {
  const editor = workbench.page.locator('.editor-group-container.active .monaco-editor').first();
  await editor.locator('.view-lines').waitFor();
  return editor.locator('.view-lines').evaluate((root) => {
    const rows = [...(root as unknown as DomElement).querySelectorAll('.view-line')].map((line) => {
      const spans = [...line.querySelectorAll('span')];
      const pseudo = spans
        .map((span) => getComputedStyle(span, '::after').content)
        .filter((c) => c && c !== 'none' && c !== 'normal')
        .map((c) => c.replace(/^"|"$/g, ''))
        .join('');
      const text = (line.textContent ?? '').replace(/\u00a0/g, ' ');
      return {
        top: parseFloat(line.style.top),
        text,
        ghost: `${text}${pseudo}`.replace(/\u00a0/g, ' '),
        struck: spans.some((span) => getComputedStyle(span).textDecorationLine.includes('line-through')),
      };
    });
    return rows.sort((a, b) => a.top - b.top).map(({ text, ghost, struck }) => ({ text, ghost, struck }));
  });
}

async function waitForIdle(workbench: Workbench, ended: RegExp): Promise<void> {
  await workbench.waitForStatusBarItem(ended);
  await waitUntil(async () => !ended.test(await workbench.statusBarText()), 'the status bar to return to idle');
}

async function lensTexts(workbench: Workbench): Promise<string> {
  return (await workbench.codeLenses()).join(' | ');
}

describe('reviewing a candidate inline in the user\u2019s editor (python-buggy)', function () {
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({
      replies: [reply('python-mean-two-changes'), reply('python-mean-two-changes'), reply('python-mean-two-changes')],
    });
  });
  after(async () => server?.close());

  const session = useSession({
    project: 'python-buggy',
    userSettings: () => ({ 'selfRepair.baseUrl': server.url, 'selfRepair.model': 'scripted-coder' }),
  });
  const coreOnDisk = () => readFile(path.join(session().workspace, 'stats', 'core.py'), 'utf8');

  async function repairAndWaitForReview(workbench: Workbench): Promise<void> {
    await workbench.openFile('stats/core.py');
    await workbench.runCommand('Self-repair');
    // The repair runs pytest several times: on a loaded machine that takes longer than one wait.
    await waitUntil(async () => REVIEWING.test(await workbench.statusBarText()), 'the review to start', REPAIR_MS);
    await workbench.waitForCodeLens(/Accept All/);
  }

  it('shows the candidate in stats/core.py itself: struck and ghost lines, lenses, the explanation', async () => {
    const { workbench } = session();
    await repairAndWaitForReview(workbench);
    await workbench.activeTab('core.py').waitFor();
    assert.equal(
      await workbench.page
        .locator('.tab')
        .filter({ hasText: /Self-repair candidate/ })
        .count(),
      0,
    );

    const lines = await decoratedLines(workbench);
    const buggy = lines.find((l) => l.text === BUGGY);
    assert.ok(buggy?.struck, `the removed line is struck through: ${JSON.stringify(lines)}`);
    assert.ok(buggy.ghost.includes('→ return sum(xs) / len(xs)'), `ghost text: ${JSON.stringify(buggy)}`);
    const anchor = lines.find((l) => l.ghost.includes('+ # the mean of the values'));
    assert.ok(anchor && !anchor.struck, `the added comment shows as ghost text: ${JSON.stringify(lines)}`);
    assert.equal(lines.filter((l) => l.struck).length, 1, JSON.stringify(lines));

    const lenses = await lensTexts(workbench);
    for (const label of ['Self-repair candidate 1/1 (4/4 tests pass)', 'Accept All', 'Reject All', 'Open Diff']) {
      assert.ok(lenses.includes(label), `lenses: ${lenses}`);
    }
    assert.match(lenses, /Accept Change 1\/2 \| Reject Change 1\/2/);
    assert.match(lenses, /Accept Change 2\/2 \| Reject Change 2\/2/);
    assert.match(
      lenses,
      /Why: `mean` divides the sum by `len\(xs\) - 1` instead of the number of values, so the mean of `\[1, 2, 3\]` comes out… · turn 1 · 4\/4 tests pass · [\d.]+k? tokens/,
    );
    assert.ok((await coreOnDisk()).includes(BUGGY), 'nothing is written before Accept');
    assert.ok(!(await workbench.notificationsText()).some((m) => /candidate 1\/1/.test(m)));
    await workbench.screenshot('inline-review');
  });

  it('Accept All writes both changes with one edit; the review ends, the status bar says so, then idles', async () => {
    const { workbench } = session();
    await (await workbench.waitForCodeLens(/Accept All/)).click();
    await waitForIdle(workbench, /Self-repair: accepted/);
    const disk = await coreOnDisk();
    assert.ok(disk.includes(`${FIXED}\n`) && disk.includes(COMMENT) && !disk.includes(BUGGY), disk);
    await waitUntil(async () => (await lensTexts(workbench)) === '', 'the review\u2019s lenses to go');
    assert.equal((await decoratedLines(workbench)).filter((l) => l.struck).length, 0);
    assert.ok(!/Self-repair/.test(await workbench.statusBarText()), await workbench.statusBarText());
  });

  it('one Undo in the editor reverts the whole accept', async () => {
    const { workbench } = session();
    await workbench.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().click();
    await workbench.page.keyboard.press('Control+Z');
    await waitUntil(async () => (await workbench.editorLines()).includes(BUGGY), 'the editor to show the bug again');
    const shown = await workbench.editorLines();
    assert.ok(!shown.includes(COMMENT) && !shown.includes(FIXED), JSON.stringify(shown));
    await workbench.page.keyboard.press('Control+S');
    await waitUntil(async () => (await coreOnDisk()).includes(BUGGY), 'the undone file to be saved');
  });

  it('Open Diff shows the side-by-side diff; accepting one change of two warns it was not verified', async () => {
    const { workbench } = session();
    await repairAndWaitForReview(workbench);
    await (await workbench.waitForCodeLens(/Open Diff/)).click();
    await workbench.activeTab(/Self-repair candidate/).waitFor();
    const { modified } = await workbench.diffEditorLines();
    assert.ok(modified.includes(FIXED), JSON.stringify(modified));
    // Back to the user's file (its tab, not the diff's, whose label also starts with core.py).
    await workbench.page.locator('.editor-group-container.active .tab[aria-label="core.py"]').click();
    await workbench.page.locator('.editor-group-container.active .tab.active[aria-label="core.py"]').waitFor();

    await (await workbench.waitForCodeLens(/Accept Change 1\/2/)).click();
    await waitUntil(async () => (await coreOnDisk()).includes(`${FIXED}\n`), 'the first change on disk');
    assert.ok(!(await coreOnDisk()).includes(COMMENT));
    // One change left: the candidate's own Accept / Reject now stand for it.
    await waitUntil(async () => !(await lensTexts(workbench)).includes('Change 1/2'), 'the lenses to drop change 1');
    await (await workbench.waitForCodeLens(/^\s*Reject\s*$/)).click();
    await workbench.waitForNotification(
      /you accepted 1 of the candidate's 2 changes; this combination was not verified/,
    );
    await waitForIdle(workbench, /Self-repair: accepted 1 of 2 changes \(not verified by the tests\)/);
    const disk = await coreOnDisk();
    assert.ok(disk.includes(`${FIXED}\n`) && !disk.includes(COMMENT), disk);
    assert.equal(
      await workbench.page
        .locator('.tab')
        .filter({ hasText: /Self-repair candidate/ })
        .count(),
      0,
    );
    await waitUntil(async () => (await lensTexts(workbench)) === '', 'the review\u2019s lenses to go');
  });

  it('closing the editor ends the review: no lens, no button, the status bar says so, nothing written', async () => {
    const { workbench } = session();
    await workbench.page.keyboard.press('Control+Z');
    await waitUntil(async () => (await workbench.editorLines()).includes(BUGGY), 'the editor to show the bug again');
    await workbench.page.keyboard.press('Control+S');
    await waitUntil(async () => (await coreOnDisk()).includes(BUGGY), 'the undone file to be saved');
    const before = await coreOnDisk();
    await repairAndWaitForReview(workbench);
    await workbench.runCommand('View: Close Editor');
    await waitForIdle(workbench, /Self-repair: review closed, nothing changed/);
    assert.equal(await coreOnDisk(), before);
    await waitUntil(async () => (await lensTexts(workbench)) === '', 'the review\u2019s lenses to go');
    const palette = await workbench.paletteCommands('Self-repair', { allowNone: true });
    assert.ok(!palette.some((label) => /Accept|Reject|Open Diff/.test(label)), JSON.stringify(palette));
  });
});
