/**
 * The VS Code workbench in Debian's chromium, driven by playwright-core the way a person would use
 * it: palette, quick open, status bar, notifications, editors. Every wait is on the DOM; timeouts
 * are generous so that a slow, busy machine passes too; they never measure speed.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM, RESULTS_DIR } from './paths';

/** Long enough for a slow, busy machine; a wait that runs out fails the test with a clear line. */
export const TIMEOUT_MS = 60_000;

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const QUICK_INPUT = '.quick-input-widget';
const QUICK_INPUT_BOX = `${QUICK_INPUT} .quick-input-box input`;
const QUICK_INPUT_ROW = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
const NO_MATCH = 'No matching commands';
const TEST_ROW = '.test-explorer .monaco-list-row';
/** The Test Explorer's state icons (`codicon-testing-<state>-icon`) in words. */
const TEST_STATES: Record<string, string> = {
  unset: 'Not yet run',
  queued: 'Queued',
  loading: 'Running',
  passed: 'Passed',
  failed: 'Failed',
  error: 'Errored',
  skipped: 'Skipped',
};

export class Workbench {
  /** What the page printed to its console at warning level or above, and its uncaught errors. */
  readonly browserLog: string[] = [];

  private constructor(
    private readonly browser: Browser,
    private readonly home: string,
    readonly page: Page,
  ) {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') {
        this.browserLog.push(`[${message.type()}] ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => this.browserLog.push(`[pageerror] ${error.message}`));
  }

  /** Opens url (a CodeServer's) in a fresh browser and waits until the workbench has loaded. */
  static async open(url: string): Promise<Workbench> {
    // Chromium keeps crash reports and caches under XDG folders, whatever its profile: keep them out of ~.
    const home = await mkdtemp(path.join(os.tmpdir(), 'e2e-chromium-'));
    const env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(home, 'config'),
      XDG_CACHE_HOME: path.join(home, 'cache'),
    };
    const browser = await chromium
      .launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env, timeout: TIMEOUT_MS })
      .catch(async (error: unknown) => {
        await rm(home, { recursive: true, force: true });
        throw error;
      });
    try {
      const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
      context.setDefaultTimeout(TIMEOUT_MS);
      const page = await context.newPage();
      const workbench = new Workbench(browser, home, page);
      await page.goto(url, { timeout: TIMEOUT_MS });
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 2 * TIMEOUT_MS });
      // The explorer lists the folder once the remote file system answers.
      await page
        .locator('.explorer-folders-view .monaco-list-row')
        .first()
        .waitFor({ timeout: 2 * TIMEOUT_MS });
      return workbench;
    } catch (error) {
      await browser.close();
      await rm(home, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Runs a command from the palette (F1) by its exact label as the palette shows it, e.g.
   * "Self-repair: Show Log". Waits until the palette has closed, or, with `opensInput`, until the
   * command has replaced it with its own quick input or input box.
   */
  async runCommand(label: string, options: { opensInput?: boolean } = {}): Promise<void> {
    const row = await this.openQuickInput(
      'F1',
      `>${label}`,
      this.quickInputRow(label),
      () => `the command palette has no command "${label}"`,
    );
    await row.click();
    const input = this.page.locator(QUICK_INPUT_BOX);
    if (options.opensInput) {
      await waitUntil(
        async () => (await input.isVisible()) && (await input.inputValue()) !== `>${label}`,
        `"${label}" to open its input`,
      );
    } else {
      await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
    }
  }

  /**
   * The palette's commands for `filter`, as the palette lists them; leaves it closed. Waits for at
   * least one command, since contributed commands register a moment after the window opens; with
   * `allowNone`, "No matching commands" is an answer ([]), so call it once the extension is known
   * to be registered.
   */
  async paletteCommands(filter: string, options: { allowNone?: boolean } = {}): Promise<string[]> {
    let rows = this.page.locator(QUICK_INPUT_ROW);
    if (!options.allowNone) rows = rows.filter({ hasNotText: NO_MATCH });
    await this.openQuickInput(
      'F1',
      `>${filter}`,
      rows.first(),
      () => `the command palette has no command for "${filter}"`,
    );
    const labels = (await this.quickInputItems()).filter((label) => label !== NO_MATCH);
    await this.page.keyboard.press('Escape');
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
    return labels;
  }

  /** The labels the open quick input lists (palette commands, quick-pick items, ...). */
  async quickInputItems(): Promise<string[]> {
    const labels = await this.page.locator(`${QUICK_INPUT_ROW} .label-name`).allInnerTexts();
    return labels.map(normalize);
  }

  /** Picks the item of the open quick pick whose label is exactly `label`. */
  async pickQuickInputItem(label: string): Promise<void> {
    await this.quickInputRow(label).click();
  }

  /** Types into the open input box (e.g. one a command asked with showInputBox) and presses Enter. */
  async answerInput(text: string): Promise<void> {
    const input = this.page.locator(QUICK_INPUT_BOX);
    await input.fill(text);
    await input.press('Enter');
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
  }

  /** Opens a workspace file by its path relative to the folder (Ctrl+P) and waits for its editor. */
  async openFile(relativePath: string): Promise<void> {
    const name = path.posix.basename(relativePath);
    const dir = path.posix.dirname(relativePath);
    let row = this.quickInputRow(name);
    if (dir !== '.') row = row.filter({ has: this.page.locator('.label-description', { hasText: dir }) });
    await (
      await this.openQuickInput(
        'Control+P',
        relativePath,
        row.first(),
        () => `quick open finds no file ${relativePath}`,
      )
    ).click();
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
    await this.activeTab(name).waitFor();
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  }

  /** Moves the active editor's cursor to a 1-based line (Go to Line), which scrolls it into view. */
  async goToLine(line: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    await this.page.locator(QUICK_INPUT_BOX).fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
  }

  /** The tab of the active editor, if its label contains `label`. */
  activeTab(label: string | RegExp): Locator {
    return this.page.locator('.editor-group-container.active .tab.active').filter({ hasText: label });
  }

  /**
   * The lines the active text editor renders, top to bottom (the editor renders only what is in
   * view, so a long file shows in part). Tabs and indentation come out as spaces.
   */
  async editorLines(): Promise<string[]> {
    return renderedLines(this.page.locator('.editor-group-container.active .monaco-editor').first());
  }

  /**
   * The diff editor of the active group (e.g. a candidate patch): the lines each side renders
   * (unchanged regions the editor folds away are not among them).
   */
  async diffEditorLines(): Promise<{ original: string[]; modified: string[] }> {
    const diff = this.page.locator('.editor-group-container.active .monaco-diff-editor').first();
    await diff.waitFor();
    return {
      original: await renderedLines(diff.locator('.editor.original .monaco-editor').first()),
      modified: await renderedLines(diff.locator('.editor.modified .monaco-editor').first()),
    };
  }

  /**
   * Clicks an action in the active editor's title bar (e.g. "Accept") by its title; an action
   * with a keybinding is titled "Accept (Ctrl+…)", which matches too.
   */
  async clickEditorAction(title: string): Promise<void> {
    const actions = this.page.locator('.editor-group-container.active .editor-actions');
    const button = actions.getByRole('button', { name: new RegExp(`^${escapeRegExp(title)}( \\(|$)`) }).first();
    try {
      await button.waitFor();
    } catch {
      const labels = await actions.locator('.action-label[aria-label]').all();
      const shown = await Promise.all(labels.map((label) => label.getAttribute('aria-label')));
      throw new Error(`the editor title bar has no action "${title}"; it shows: ${JSON.stringify(shown)}`);
    }
    await button.click();
  }

  /** Picks `label` from the context menu that is open (e.g. after a right-click on a test item). */
  async chooseContextMenuItem(label: string): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    const item = menu
      .locator('.action-menu-item')
      .filter({ has: this.page.locator('.action-label', { hasText: exactly(label) }) });
    // A menu ignores clicks that come right after it opened (so the opening click cannot pick an
    // item); an ignored click leaves it open, and clicking again is safe.
    await waitUntil(async () => {
      if (await menu.isVisible()) await item.click();
      return menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
    }, `the context menu to close after choosing "${label}"`);
  }

  /** The code lenses shown in the active editor, in document order. */
  async codeLenses(): Promise<string[]> {
    const lenses = this.page.locator('.editor-group-container.active .codelens-decoration');
    return (await lenses.allInnerTexts()).map(normalize);
  }

  /**
   * Each code lens of the active editor with the source line it stands above, top to bottom, e.g.
   * `{ lens: 'Self-repair: fix "test_mean" — assert 3.0 == 2.0', line: 'def test_mean():' }`.
   */
  async codeLensLines(): Promise<{ lens: string; line: string }[]> {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    const lines = await Promise.all(
      (await editor.locator('.view-lines .view-line').all()).map(async (line) => ({
        top: (await line.boundingBox())?.y ?? Number.NaN,
        text: ((await line.textContent()) ?? '').replace(/\u00a0/g, ' '),
      })),
    );
    lines.sort((a, b) => a.top - b.top);
    const found: { top: number; lens: string; line: string }[] = [];
    for (const lens of await editor.locator('.codelens-decoration').all()) {
      const box = await lens.boundingBox();
      if (!box) continue;
      // A lens sits in a gap the editor opens above its line: the first line below the lens is it.
      const below = lines.find((line) => line.top >= box.y + box.height - 1);
      found.push({ top: box.y, lens: normalize(await lens.innerText()), line: below?.text ?? '' });
    }
    return found.sort((a, b) => a.top - b.top).map(({ lens, line }) => ({ lens, line }));
  }

  /** Waits for a code lens matching `pattern` in the active editor and returns its locator. */
  /** Opens a file, waits for a code lens matching `pattern`, then lists every lens with its line. */
  async codeLensesIn(file: string, pattern: RegExp): Promise<{ lens: string; line: string }[]> {
    await this.openFile(file);
    await this.waitForCodeLens(pattern);
    return this.codeLensLines();
  }

  async waitForCodeLens(pattern: RegExp): Promise<Locator> {
    const lens = this.page
      .locator('.editor-group-container.active .codelens-decoration a')
      .filter({ hasText: pattern })
      .first();
    await lens.waitFor();
    return lens;
  }

  /** All text of the status bar, items separated by " | ". */
  async statusBarText(): Promise<string> {
    const items = await this.page.locator('.part.statusbar .statusbar-item').allInnerTexts();
    return items.map(normalize).filter(Boolean).join(' | ');
  }

  /** Waits for a status bar item whose text matches `pattern` and returns that item. */
  async waitForStatusBarItem(pattern: RegExp): Promise<Locator> {
    const item = this.page.locator('.part.statusbar .statusbar-item').filter({ hasText: pattern }).first();
    try {
      await item.waitFor();
    } catch {
      throw new Error(`no status bar item matches ${pattern}; the status bar shows: ${await this.statusBarText()}`);
    }
    return item;
  }

  /**
   * Waits for a notification whose message matches `pattern` and returns its message. Looks at the
   * toasts first; toasts hide after a while, so when none matches it reads the notification centre.
   */
  async waitForNotification(pattern: RegExp, timeout = TIMEOUT_MS): Promise<string> {
    const toast = this.page.locator('.notification-list-item-message').filter({ hasText: pattern }).first();
    try {
      await toast.waitFor({ timeout });
      return normalize(await toast.innerText());
    } catch {
      const all = await this.notificationsText();
      const hit = all.find((message) => pattern.test(message));
      if (hit !== undefined) return hit;
      throw new Error(`no notification matches ${pattern}; notifications: ${JSON.stringify(all)}`);
    }
  }

  /** The messages of every notification so far, from the notification centre (left closed). */
  async notificationsText(): Promise<string[]> {
    const center = this.page.locator('.notifications-center');
    await this.runCommand('Notifications: Show Notifications');
    await center.waitFor();
    const messages = (await center.locator('.notification-list-item-message').allInnerTexts()).map(normalize);
    await this.runCommand('Notifications: Hide Notifications');
    await center.waitFor({ state: 'hidden' });
    return messages;
  }

  /** Waits for a modal dialog whose message matches `pattern`; returns its text and buttons. */
  async waitForDialog(pattern: RegExp): Promise<{ text: string; buttons: string[] }> {
    const dialog = this.page.locator('.monaco-dialog-box').filter({ hasText: pattern }).first();
    await dialog.waitFor();
    const text = normalize(await dialog.locator('.dialog-message-container').innerText());
    const buttons = (await dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map(normalize);
    return { text, buttons };
  }

  /** Clicks a button of the open modal dialog by its label and waits for the dialog to close. */
  async clickDialogButton(label: string): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog
      .locator('.dialog-buttons .monaco-button')
      .filter({ hasText: exactly(label) })
      .click();
    await dialog.waitFor({ state: 'hidden' });
  }

  /**
   * Waits until the Output panel shows the channel `name` (as "Self-repair: Show Log" should) and
   * returns the lines it renders.
   */
  async waitForOutputChannel(name: string): Promise<string[]> {
    const select = this.page
      .locator('.part.panel select[aria-label="Switch Output"]')
      .filter({ visible: true })
      .first();
    await waitUntil(
      async () => (await select.isVisible()) && (await select.inputValue()) === name,
      `the Output panel to show "${name}"`,
    );
    return renderedLines(this.page.locator('.part.panel .monaco-editor').filter({ visible: true }).first());
  }

  /** Opens the Testing view (Test Explorer). */
  async openTestExplorer(): Promise<void> {
    await this.runCommand('Testing: Focus on Test Explorer View');
    await this.page.locator('.test-explorer .monaco-list').waitFor();
  }

  /**
   * The Test Explorer's visible rows as a person sees them: the label and the state its icon shows,
   * e.g. "test_mean (Failed)", "tests/test_core.py (Not yet run)"; collapsed children are not
   * listed. Read from the icon, not the row's aria-label: VS Code 1.139 leaves that label as it was
   * when the row was created, so after "Test: Clear All Results" it still says "(Passed)".
   */
  async testExplorerItems(): Promise<string[]> {
    return (await this.testExplorerRows()).map((row) => row.text);
  }

  /** Waits for a Test Explorer row that testExplorerItems() shows as matching, e.g. /^test_mean \(Failed\)$/. */
  async waitForTestItem(pattern: RegExp, timeout = TIMEOUT_MS): Promise<Locator> {
    let index: string | undefined;
    try {
      await waitUntil(
        async () =>
          (index = (await this.testExplorerRows()).find((row) => pattern.test(row.text))?.index) !== undefined,
        `a Test Explorer item matching ${pattern}`,
        timeout,
      );
    } catch {
      throw new Error(
        `no Test Explorer item matches ${pattern}; it shows: ${JSON.stringify(await this.testExplorerItems())}`,
      );
    }
    return this.page.locator(`${TEST_ROW}[data-index="${index}"]`);
  }

  /** The rows top to bottom (a list places its rows absolutely, not in DOM order), by data-index. */
  private async testExplorerRows(): Promise<{ index: string; text: string }[]> {
    const rows = await this.page.locator(TEST_ROW).evaluateAll(
      (elements, states) =>
        elements.map((row) => {
          const label = row.querySelector('.label')?.firstChild?.textContent?.trim() ?? '';
          const icon =
            /codicon-testing-(\w+)-icon/.exec(row.querySelector('.computed-state')?.className ?? '')?.[1] ?? '';
          return { index: row.getAttribute('data-index') ?? '', text: `${label} (${states[icon] ?? icon})` };
        }),
      TEST_STATES,
    );
    return rows.sort((a, b) => Number(a.index) - Number(b.index));
  }

  /** Expands the Test Explorer row that matches (a file, a suite) so its tests are listed. */
  async expandTestItem(pattern: RegExp): Promise<void> {
    const row = await this.waitForTestItem(pattern);
    if ((await row.getAttribute('aria-expanded')) !== 'false') return;
    await row.locator('.monaco-tl-twistie').click();
    await waitUntil(
      async () => (await row.getAttribute('aria-expanded')) === 'true',
      `the Test Explorer row ${pattern} to expand`,
    );
  }

  /**
   * Runs every test from the Test Explorer, as a person would, and waits until the file's row shows
   * its failing and passing tests; returns the first failing test's row (for a right-click).
   */
  async runAllTestsExpecting(file: string, expected: { failed: string[]; passed: string[] }): Promise<Locator> {
    await this.openTestExplorer();
    await this.runCommand('Test: Run All Tests');
    await this.expandTestItem(new RegExp(`^${escapeRegExp(file)} \\(Failed\\)`));
    const rows: Locator[] = [];
    for (const name of expected.failed)
      rows.push(await this.waitForTestItem(new RegExp(`^${escapeRegExp(name)} \\(Failed\\)`)));
    for (const name of expected.passed) await this.waitForTestItem(new RegExp(`^${escapeRegExp(name)} \\(Passed\\)`));
    return rows[0]!;
  }

  /** Opens the Extensions view filtered to the installed extensions and lists their names. */
  async installedExtensions(): Promise<string[]> {
    await this.runCommand('Extensions: Show Installed Extensions');
    const names = this.page.locator('.extensions-viewlet .extension-list-item .name');
    // A row can show before its name is filled in (the list renders, then binds): wait for names.
    let shown: string[] = [];
    await waitUntil(
      async () => (shown = (await names.allInnerTexts()).map(normalize).filter(Boolean)).length > 0,
      'the Extensions view to list the installed extensions',
    );
    return shown;
  }

  /** Saves a PNG of the whole window as test-results/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    await mkdir(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${slug(name)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    try {
      await this.browser.close();
    } finally {
      await rm(this.home, { recursive: true, force: true });
    }
  }

  /**
   * Opens the quick input with `key`, types `text` and waits for `row`. Retried until TIMEOUT_MS:
   * a view that takes focus just then (an output panel a command revealed) closes the quick input,
   * and the palette does not refresh while open, so a command registered late (a test controller
   * after activation, say) only shows on a later try.
   */
  private async openQuickInput(key: string, text: string, row: Locator, notFound: () => string): Promise<Locator> {
    const input = this.page.locator(QUICK_INPUT_BOX);
    const deadline = Date.now() + TIMEOUT_MS;
    for (;;) {
      try {
        await this.page.keyboard.press(key);
        await input.fill(text, { timeout: 10_000 });
        await row.waitFor({ timeout: 10_000 });
        return row;
      } catch (error) {
        const shown = await this.quickInputItems().catch(() => []);
        if (await input.isVisible()) await this.page.keyboard.press('Escape');
        await this.page.locator(QUICK_INPUT).waitFor({ state: 'hidden' });
        if (Date.now() > deadline) {
          throw new Error(shown.length ? `${notFound()}; it lists: ${JSON.stringify(shown)}` : String(error), {
            cause: error,
          });
        }
      }
    }
  }

  private quickInputRow(label: string): Locator {
    return this.page
      .locator(QUICK_INPUT_ROW)
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) });
  }
}

/** The lines an editor renders, top to bottom: they are placed absolutely, not in DOM order. */
async function renderedLines(editor: Locator): Promise<string[]> {
  await editor.locator('.view-lines').waitFor();
  const lines = await Promise.all(
    (await editor.locator('.view-lines .view-line').all()).map(async (line) => ({
      top: Number(/top:\s*(-?[\d.]+)px/.exec((await line.getAttribute('style')) ?? '')?.[1] ?? 0),
      text: ((await line.textContent()) ?? '').replace(/\u00a0/g, ' '),
    })),
  );
  return lines.sort((a, b) => a.top - b.top).map((line) => line.text);
}

/** A file-name-safe form of a test or screenshot name. */
export function slug(name: string): string {
  return name
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120);
}

/** Polls `condition` until it holds; `what` names it in the error when it never does. */
export async function waitUntil(condition: () => Promise<boolean>, what: string, timeout = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}`);
    await delay(250);
  }
}

function exactly(text: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One line of what a person reads: the DOM's line breaks and non-breaking spaces as single spaces. */
function normalize(text: string): string {
  return text.replace(/[\s\u00a0]+/g, ' ').trim();
}
