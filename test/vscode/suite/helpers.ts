import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'self-repair.self-repair';

export function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  if (!found) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  return found;
}

/** The repository checkout: the extension runs from it in development mode. */
export function repoRoot(): string {
  return extension().extensionPath;
}

/** A scripted model reply from test/fixtures/replies/<scenario>/reply.md. */
export function reply(scenario: string): string {
  return readFileSync(path.join(repoRoot(), 'test', 'fixtures', 'replies', scenario, 'reply.md'), 'utf8');
}

export function workspaceFile(relPath: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, ...relPath.split('/'));
}

/**
 * Asks again until `probe` returns something: the UI updates asynchronously (test runs, code lenses).
 * The deadline only bounds a hang; nothing asserts how long it took.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  deadlineMs = 120_000,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(250);
  }
}

export async function lensTitles(uri: vscode.Uri): Promise<Array<{ line: number; title: string }>> {
  const lenses =
    (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
  return lenses
    .filter((lens) => lens.command?.title)
    .map((lens) => ({ line: lens.range.start.line, title: lens.command!.title }));
}

/** Tabs of the candidate review (diff editors over `self-repair-candidate:` documents). */
export function reviewTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter(
      (tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.scheme === 'self-repair-candidate',
    );
}
