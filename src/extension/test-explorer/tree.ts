import * as vscode from 'vscode';

/** What the Test Explorer knows about one of its items. */
export interface ItemData {
  folder: vscode.WorkspaceFolder;
  /** Project-relative test file. */
  file: string;
  /** The engine's id of the test or suite; undefined for a file item. */
  testId?: string;
  framework: string;
}

/**
 * The controller's items and what is known about each. Item ids are `<folder uri>|<engine id>`
 * (for a file item, the file's path): unique across folders, and readable back by a command.
 */
export class TestTree {
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  /** File items by file URI. */
  private readonly files = new Map<string, vscode.TestItem>();

  constructor(readonly controller: vscode.TestController) {}

  dataOf(item: vscode.TestItem): ItemData | undefined {
    return this.data.get(item);
  }

  /** An item for a test or suite (not yet placed under a parent). */
  createItem(data: ItemData & { testId: string }, label: string, uri: vscode.Uri): vscode.TestItem {
    const item = this.controller.createTestItem(`${data.folder.uri.toString()}|${data.testId}`, label, uri);
    this.data.set(item, data);
    return item;
  }

  fileItem(uri: vscode.Uri): vscode.TestItem | undefined {
    return this.files.get(uri.toString());
  }

  /** Every file item, or those of one folder. */
  fileItems(folder?: vscode.WorkspaceFolder): vscode.TestItem[] {
    const all = [...this.files.values()];
    return folder ? all.filter((item) => sameFolder(this.data.get(item)?.folder, folder)) : all;
  }

  addFile(data: ItemData, label: string, uri: vscode.Uri): vscode.TestItem {
    const item = this.controller.createTestItem(`${data.folder.uri.toString()}|${data.file}`, label, uri);
    item.canResolveChildren = true;
    this.data.set(item, data);
    this.files.set(uri.toString(), item);
    this.controller.items.add(item);
    return item;
  }

  removeFile(uri: vscode.Uri | string): void {
    const key = uri.toString();
    const item = this.files.get(key);
    if (!item) return;
    this.files.delete(key);
    this.controller.items.delete(item.id);
  }

  /** Forgets the file items whose URI is not in `keep`. */
  keepFiles(keep: ReadonlySet<string>): void {
    for (const key of [...this.files.keys()]) if (!keep.has(key)) this.removeFile(key);
  }

  /** Every item of the folder by the engine's test id (a file item by its path). */
  index(folder: vscode.WorkspaceFolder): Map<string, vscode.TestItem> {
    const index = new Map<string, vscode.TestItem>();
    const walk = (item: vscode.TestItem): void => {
      const data = this.data.get(item);
      if (!data || !sameFolder(data.folder, folder)) return;
      index.set(data.testId ?? data.file, item);
      item.children.forEach(walk);
    };
    this.controller.items.forEach(walk);
    return index;
  }

  /** The first item at or under `root` with this test id in this folder. */
  find(root: vscode.TestItem, folder: vscode.WorkspaceFolder, testId: string): vscode.TestItem | undefined {
    const data = this.data.get(root);
    if (data?.testId === testId && sameFolder(data.folder, folder)) return root;
    let found: vscode.TestItem | undefined;
    root.children.forEach((child) => {
      found ??= this.find(child, folder, testId);
    });
    return found;
  }
}

export function sameFolder(a: vscode.WorkspaceFolder | undefined, b: vscode.WorkspaceFolder): boolean {
  return a?.uri.toString() === b.uri.toString();
}
