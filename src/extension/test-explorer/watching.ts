import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { TestDiscovery } from './discovery';
import { SOURCE_GLOB } from './globs';
import type { TestFileParser } from './parse';
import type { TestTree } from './tree';

/** How long typing must pause before an edited test file is parsed again. */
const EDIT_PAUSE_MS = 300;

/**
 * Keeps the items in step with the workspace: files created, saved and deleted, test files being
 * edited, folders added or removed, a changed test command (which can change the framework), and
 * what decides which folders the tree shows (the setting, the other test extensions installed).
 */
export class TestFileWatcher extends Disposable {
  private readonly pendingParse = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly discovery: TestDiscovery,
    private readonly tree: TestTree,
    private readonly parser: TestFileParser,
  ) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(SOURCE_GLOB));
    this._register(watcher.onDidCreate((uri) => void this.discovery.fileChanged(uri)));
    this._register(watcher.onDidChange((uri) => void this.discovery.fileChanged(uri)));
    this._register(watcher.onDidDelete((uri) => this.tree.removeFile(uri)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.documentEdited(e.document)));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discovery.discover(true)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('selfRepair.testCommand') || e.affectsConfiguration('selfRepair.testExplorer')) {
          void this.discovery.discover(true);
        }
      }),
    );
    // An extension that shows the same tests was installed or removed (`selfRepair.testExplorer: auto`).
    this._register(vscode.extensions.onDidChange(() => void this.discovery.discover(true)));
    this._register({ dispose: () => this.pendingParse.forEach((timer) => clearTimeout(timer)) });
  }

  /** An open test file's tests follow its unsaved text, once typing pauses. */
  private documentEdited(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const item = this.tree.fileItem(document.uri);
    if (!item || item.children.size === 0) return;
    clearTimeout(this.pendingParse.get(key));
    this.pendingParse.set(
      key,
      setTimeout(() => {
        this.pendingParse.delete(key);
        void this.parser.parseInto(item, document.getText());
      }, EDIT_PAUSE_MS),
    );
  }
}
