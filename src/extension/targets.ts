import * as vscode from 'vscode';
import { errorLine, findTestDefinitions, type FrameworkAdapter, type LanguageId, languageForFile } from '../core';
import type { FailureStore } from './failures';
import { type ForeignItem, matchItem } from './logic/item-match';
import { ITEM_PROBLEMS } from './logic/messages';
import { folderTestId, placeInFolder, toProjectPath } from './logic/project-paths';
import { belongsTo, definitionAt } from './logic/test-ids';
import { frameworkOf, projectOf, projectOrPick } from './project-tests';
import type { RepairTarget } from './repair-runner';
import { readSettings } from './settings';
import type { SelfRepairTests } from './test-controller';
import { activeFolder, relativePath } from './workspace';

/** Why a command's argument names nothing Self-repair can repair, in one line for the user. */
export interface Unresolved {
  problem: string;
}

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

  async forTest(arg?: unknown, line?: unknown): Promise<RepairTarget | Unresolved | undefined> {
    const item = testItemOf(arg);
    if (item) return this.forItem(item);
    if (isLensTarget(arg)) {
      const uri = vscode.Uri.parse(arg.uri);
      const folder = vscode.workspace.getWorkspaceFolder(uri);
      if (!folder) return undefined;
      const project = await projectOf(folder, uri, readSettings(folder.uri));
      return this.focused(folder, arg.testId, undefined, project.root);
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
    if (!folder) return undefined;
    // The active file's project, in a folder that holds several; the user's pick when that says nothing.
    const settings = readSettings(folder.uri);
    const project = await projectOrPick(folder, vscode.window.activeTextEditor?.document.uri, settings);
    return project && { folder, projectRoot: project.root };
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
    const settings = readSettings(folder.uri);
    const project = await projectOf(folder, document.uri, settings);
    const adapter = await frameworkOf(project, settings).catch(() => undefined);
    if (!adapter?.isTestFile(toProjectPath(project.place, rel))) return undefined;
    const definitions = await findTestDefinitions(document.getText(), rel, lang).catch(() => []);
    const definition = definitionAt(definitions, line + 1);
    if (!definition) return undefined;
    const testId = folderTestId(adapter.id, project, rel, definition.fullName);
    return this.focused(folder, testId, definition.name, project.root);
  }

  private async forItem(item: vscode.TestItem): Promise<RepairTarget | Unresolved> {
    const data = this.tests.itemData(item);
    // A file item: its failing tests, as far as the last run knows them.
    if (data) return this.focused(data.folder, data.testId ?? data.file, item.label);
    return this.forForeignItem(item);
  }

  /**
   * An item of another extension's controller (Python, Vitest, Jest...): its file, then the test
   * tree-sitter finds at its range or under its label, run the way the engine runs this folder.
   */
  private async forForeignItem(item: vscode.TestItem): Promise<RepairTarget | Unresolved> {
    const file = await testFileOf(item);
    if (!('rel' in file)) return file;
    const { folder, rel, uri } = file;
    let text: string;
    try {
      text = (await vscode.workspace.openTextDocument(uri)).getText();
    } catch (error) {
      return { problem: ITEM_PROBLEMS.unreadable(item.label, rel, errorLine(error)) };
    }
    const definitions = await findTestDefinitions(text, rel, file.lang).catch(() => []);
    const match = matchItem(definitions, describeItem(item, uri), rel);
    if (match.kind === 'none') return { problem: ITEM_PROBLEMS.notFound(item.label, rel) };
    if (match.kind === 'file') return this.focused(folder, rel, item.label, file.projectRoot);
    // Only pytest ids name a parametrized case (`test_add[1-2]`); other runners report it otherwise.
    const testCase = file.adapter.id === 'pytest' ? (match.case ?? '') : '';
    const project = { root: file.projectRoot, place: placeInFolder(folder.uri.fsPath, file.projectRoot) ?? '' };
    const testId = folderTestId(file.adapter.id, project, rel, match.definition.fullName) + testCase;
    return this.focused(folder, testId, match.definition.name, file.projectRoot);
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
   * parametrized cases, the tests of a suite or file), else the id itself. Ids are the folder's; the
   * runner makes them the project's.
   */
  private focused(folder: vscode.WorkspaceFolder, testId: string, label?: string, projectRoot?: string): RepairTarget {
    const known = this.failures.inFolder(folder)?.failures ?? [];
    const inside = known.filter((f) => belongsTo(f.id, testId) || f.file === testId).map((f) => f.id);
    return { folder, projectRoot, focusTests: inside.length ? inside : [testId], label: label ?? testId };
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

interface ItemFile {
  folder: vscode.WorkspaceFolder;
  uri: vscode.Uri;
  rel: string;
  lang: LanguageId;
  adapter: FrameworkAdapter;
  /** The nearest project above the file (a monorepo's package). */
  projectRoot: string;
}

/**
 * The test file of another controller's item, checked the way a repair will use it: in an open
 * folder, in a language we parse, a test file of the framework the engine runs there. An item of the
 * workspace folder itself stands for all of its failing tests, as the palette's Self-repair does.
 */
async function testFileOf(item: vscode.TestItem): Promise<ItemFile | RepairTarget | Unresolved> {
  const label = item.label;
  const uri = fileOf(item);
  if (!uri) return { problem: ITEM_PROBLEMS.noFile(label) };
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return { problem: ITEM_PROBLEMS.outsideFolders(label) };
  if (folder.uri.toString() === uri.toString()) return { folder, label };
  const rel = relativePath(folder, uri);
  if (!rel) return { problem: ITEM_PROBLEMS.outsideFolders(label) };
  const lang = languageForFile(rel);
  if (!lang) {
    const stat = await vscode.workspace.fs.stat(uri).then(undefined, () => undefined);
    const isFolder = stat !== undefined && (stat.type & vscode.FileType.Directory) !== 0;
    return { problem: isFolder ? ITEM_PROBLEMS.folderItem(label, rel) : ITEM_PROBLEMS.noLanguage(label, rel) };
  }
  try {
    const settings = readSettings(folder.uri);
    const project = await projectOf(folder, uri, settings);
    const adapter = await frameworkOf(project, settings);
    if (!adapter.isTestFile(toProjectPath(project.place, rel))) {
      return { problem: ITEM_PROBLEMS.notTestFile(label, rel, adapter.id) };
    }
    return { folder, uri, rel, lang, adapter, projectRoot: project.root };
  } catch (error) {
    return { problem: ITEM_PROBLEMS.noFramework(label, folder.name, errorLine(error)) };
  }
}

/** The file an item stands for: its own URI, else the nearest item above it with one. */
function fileOf(item: vscode.TestItem): vscode.Uri | undefined {
  for (let at: vscode.TestItem | undefined = item; at; at = at.parent) if (at.uri) return at.uri;
  return undefined;
}

function describeItem(item: vscode.TestItem, uri: vscode.Uri): ForeignItem {
  const parentLabels: string[] = [];
  for (let at = item.parent; at; at = at.parent) parentLabels.unshift(at.label);
  return {
    label: item.label,
    line: item.uri && item.range ? item.range.start.line : undefined,
    parentLabels,
    parentIsSameFile: item.parent?.uri?.toString() === uri.toString(),
  };
}
