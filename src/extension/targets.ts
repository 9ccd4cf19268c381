import * as vscode from 'vscode';
import { findTestDefinitions, languageForFile } from '../core';
import type { FailureStore } from './failures';
import { belongsTo, definitionAt, testIdFor } from './logic/test-ids';
import { frameworkOf } from './project-tests';
import type { RepairTarget } from './repair-runner';
import { readSettings } from './settings';
import type { SelfRepairTests } from './test-controller';
import { activeFolder, relativePath } from './workspace';

/**
 * Turns what a command was invoked with into what to repair. `selfRepair.repairTest` is called by
 * the Test Explorer (a TestItem), a failure message (`{ test, message }`), a code lens
 * (`{ uri, testId }`), a keybinding or another extension (a test id, or a URI and a 0-based line),
 * or the palette (nothing: the test under the cursor).
 */
export class Targets {
  constructor(
    private readonly tests: SelfRepairTests,
    private readonly failures: FailureStore,
  ) {}

  async forTest(arg?: unknown, line?: unknown): Promise<RepairTarget | undefined> {
    const item = testItemOf(arg);
    if (item) return this.forItem(item);
    if (isLensTarget(arg)) {
      const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(arg.uri));
      return folder && this.focused(folder, arg.testId);
    }
    if (typeof arg === 'string' && arg.trim()) return this.forId(arg.trim());
    if (arg instanceof vscode.Uri) {
      const document = await vscode.workspace.openTextDocument(arg);
      return this.atLine(document, typeof line === 'number' ? line : 0);
    }
    return this.underCursor();
  }

  /** The palette's "Self-repair": the failing test under the cursor, else every failing test of the folder. */
  async forProject(): Promise<RepairTarget | undefined> {
    const atCursor = await this.underCursor();
    if (atCursor) {
      const known = this.failures.inFolder(atCursor.folder);
      // A test the last run saw passing is not what the user wants repaired: the failing ones are.
      const passing = known && !known.failures.some((f) => atCursor.focusTests!.includes(f.id));
      if (!passing) return atCursor;
    }
    const folder = await activeFolder();
    return folder && { folder };
  }

  async underCursor(): Promise<RepairTarget | undefined> {
    const editor = vscode.window.activeTextEditor;
    return editor ? this.atLine(editor.document, editor.selection.active.line) : undefined;
  }

  private async atLine(document: vscode.TextDocument, line: number): Promise<RepairTarget | undefined> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const rel = folder && relativePath(folder, document.uri);
    const lang = rel && languageForFile(rel);
    if (!folder || !rel || !lang) return undefined;
    const adapter = await frameworkOf(folder, readSettings(folder.uri)).catch(() => undefined);
    if (!adapter?.isTestFile(rel)) return undefined;
    const definitions = await findTestDefinitions(document.getText(), rel, lang).catch(() => []);
    const definition = definitionAt(definitions, line + 1);
    return (
      definition &&
      this.focused(folder, testIdFor(adapter.id, folder.uri.fsPath, rel, definition.fullName), definition.name)
    );
  }

  private forItem(item: vscode.TestItem): RepairTarget | undefined {
    const data = this.tests.itemData(item);
    if (!data) return undefined;
    // A file item: its failing tests, as far as the last run knows them.
    return this.focused(data.folder, data.testId ?? data.file, item.label);
  }

  private async forId(id: string): Promise<RepairTarget | undefined> {
    const split = id.indexOf('|');
    const folderUri = split > 0 ? id.slice(0, split) : undefined;
    const testId = split > 0 ? id.slice(split + 1) : id;
    const folder = folderUri ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(folderUri)) : await activeFolder();
    return folder && this.focused(folder, testId);
  }

  /**
   * The focus handed to the engine: the failing ids the last run reported for this test (its
   * parametrized cases, the tests of a suite or file), else the id itself.
   */
  private focused(folder: vscode.WorkspaceFolder, testId: string, label?: string): RepairTarget {
    const known = this.failures.inFolder(folder)?.failures ?? [];
    const inside = known.filter((f) => belongsTo(f.id, testId) || f.file === testId).map((f) => f.id);
    return { folder, focusTests: inside.length ? inside : [testId], label: label ?? testId };
  }
}

function testItemOf(arg: unknown): vscode.TestItem | undefined {
  const candidate = (arg && typeof arg === 'object' && 'test' in arg ? (arg as { test: unknown }).test : arg) as
    Partial<vscode.TestItem> | undefined;
  return candidate && typeof candidate === 'object' && typeof candidate.id === 'string' && 'children' in candidate
    ? (candidate as vscode.TestItem)
    : undefined;
}

function isLensTarget(arg: unknown): arg is { uri: string; testId: string } {
  return (
    !!arg &&
    typeof arg === 'object' &&
    typeof (arg as { uri?: unknown }).uri === 'string' &&
    typeof (arg as { testId?: unknown }).testId === 'string'
  );
}
