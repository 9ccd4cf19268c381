/**
 * The packaged extension in a real VS Code: code-server serving a copy of the Python sample
 * project, seen through chromium. `npm run test:e2e` packages and sets up first.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './support/paths';
import { useSession } from './support/session';

interface Manifest {
  displayName: string;
  contributes?: {
    commands?: { command: string; title: string; category?: string; enablement?: string }[];
    menus?: { commandPalette?: { command: string; when?: string }[] };
  };
}

const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as Manifest;

/**
 * The palette labels ("Category: Title") of the commands the palette always offers: those with
 * neither a `commandPalette` condition (hidden, or shown only in some state) nor an `enablement`.
 */
function paletteLabels(): string[] {
  const conditional = new Set((manifest.contributes?.menus?.commandPalette ?? []).map((entry) => entry.command));
  const labels = allLabels();
  return (manifest.contributes?.commands ?? [])
    .filter((command) => !conditional.has(command.command) && command.enablement === undefined)
    .map((command) => labels.get(command.command)!);
}

/** Every contributed command's palette label, by command id. */
function allLabels(): Map<string, string> {
  return new Map(
    (manifest.contributes?.commands ?? []).map((command) => [
      command.command,
      command.category ? `${command.category}: ${command.title}` : command.title,
    ]),
  );
}

describe('smoke: the packaged extension in code-server', function () {
  const session = useSession({ project: 'python-buggy' });

  it('is listed as installed in the Extensions view', async () => {
    const { workbench } = session();
    assert.ok((await workbench.installedExtensions()).includes(manifest.displayName));
    await workbench.screenshot('smoke-extensions');
  });

  it('opens stats/core.py of the workspace in an editor', async () => {
    const { workbench } = session();
    await workbench.openFile('stats/core.py');
    assert.ok((await workbench.editorLines()).includes('def mean(xs):'));
    const statusBar = await workbench.statusBarText();
    assert.match(statusBar, /\bPython\b/);
    assert.doesNotMatch(statusBar, /Restricted Mode/);
    await workbench.screenshot('smoke-editor');
  });

  it('offers every contributed command in the palette', async function () {
    const expected = paletteLabels();
    // Until the extension contributes commands there is nothing to look for.
    if (!expected.length) this.skip();
    const { workbench } = session();
    for (const label of expected) {
      const shown = await workbench.paletteCommands(label);
      assert.ok(shown.includes(label), `the palette lacks "${label}"; for it, it shows ${JSON.stringify(shown)}`);
    }
  });

  it('hides the internal commands from the palette', async function () {
    const hidden = (manifest.contributes?.menus?.commandPalette ?? []).filter((entry) => entry.when === 'false');
    if (!hidden.length) this.skip();
    const { workbench } = session();
    // Once one of its commands is listed, all of the extension's are registered.
    await workbench.paletteCommands('Self-repair');
    const labels = allLabels();
    const visible = paletteLabels();
    for (const { command } of hidden) {
      const label = labels.get(command)!;
      // An internal command may share its title with a visible one ("Self-repair"); count rows.
      const shown = (await workbench.paletteCommands(label, { allowNone: true })).filter((row) => row === label).length;
      assert.equal(
        shown,
        visible.filter((other) => other === label).length,
        `"${label}" (${command}) shows in the palette`,
      );
    }
  });

  it('"Self-repair: Show Log" shows the Self-repair log', async function () {
    if (!paletteLabels().includes('Self-repair: Show Log')) this.skip();
    const { workbench } = session();
    await workbench.runCommand('Self-repair: Show Log');
    await workbench.waitForOutputChannel('Self-repair');
    await workbench.screenshot('smoke-show-log');
  });
});

describe('smoke: an untrusted workspace', function () {
  const session = useSession({ project: 'python-buggy', trusted: false });

  it('opens in Restricted Mode', async () => {
    const { workbench } = session();
    await workbench.waitForStatusBarItem(/Restricted Mode/);
    await workbench.screenshot('smoke-untrusted');
  });
});
