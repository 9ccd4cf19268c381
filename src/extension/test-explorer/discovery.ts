import * as vscode from 'vscode';
import { type FrameworkAdapter, languageForFile } from '../../core';
import { Disposable } from '../disposable';
import { frameworkOf } from '../project-tests';
import { readSettings } from '../settings';
import { relativePath } from '../workspace';
import { EXCLUDE_GLOB, SOURCE_GLOB } from './globs';
import type { TestFileParser } from './parse';
import type { TestTree } from './tree';
import type { TreeVisibility } from './visibility';
import { TestFileWatcher } from './watching';

/**
 * Finds the files the framework adapters call test files (pytest, node --test) and gives each an
 * item; their tests are parsed only when someone looks. Watching for changes starts with the first
 * discovery, so a workspace whose tests nobody looks at is not watched.
 */
export class TestDiscovery extends Disposable {
  private discovery: Promise<void> | undefined;
  private watcher: TestFileWatcher | undefined;

  constructor(
    private readonly tree: TestTree,
    private readonly parser: TestFileParser,
    private readonly visibility: TreeVisibility,
  ) {
    super();
  }

  /** Finds test files in every folder; `again` forgets what was found before. */
  discover(again = false): Promise<void> {
    this.watcher ??= this._register(new TestFileWatcher(this, this.tree, this.parser));
    if (!this.discovery || again) this.discovery = this.discoverNow();
    return this.discovery;
  }

  private async discoverNow(): Promise<void> {
    const seen = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const adapter = await this.shownAdapter(folder);
      if (!adapter) continue;
      const uris = await vscode.workspace.findFiles(
        new vscode.RelativePattern(folder, SOURCE_GLOB),
        EXCLUDE_GLOB,
        10_000,
      );
      for (const uri of uris) {
        if (this.fileItem(folder, adapter, uri)) seen.add(uri.toString());
      }
    }
    this.tree.keepFiles(seen);
  }

  /** A file created or saved: its item, made when it is a test file, and parsed again when it was open in the tree. */
  async fileChanged(uri: vscode.Uri): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const adapter = await this.shownAdapter(folder);
    const item = adapter && this.fileItem(folder, adapter, uri);
    // Only files someone has looked into are parsed again; the rest stay lazy.
    if (item && item.children.size > 0) await this.parser.resolveFile(item);
  }

  /** Whether our tree shows this folder's tests (`selfRepair.testExplorer`). */
  async showsFolder(folder: vscode.WorkspaceFolder): Promise<boolean> {
    return (await this.shownAdapter(folder)) !== undefined;
  }

  /** The folder's framework, when it has one and our tree shows the folder's tests. */
  private async shownAdapter(folder: vscode.WorkspaceFolder): Promise<FrameworkAdapter | undefined> {
    const adapter = await adapterFor(folder);
    return adapter && this.visibility.shows(folder, adapter) ? adapter : undefined;
  }

  /** The file's item, made when the adapter calls it a test file of a language it runs. */
  private fileItem(
    folder: vscode.WorkspaceFolder,
    adapter: FrameworkAdapter,
    uri: vscode.Uri,
  ): vscode.TestItem | undefined {
    const existing = this.tree.fileItem(uri);
    if (existing) return existing;
    const rel = relativePath(folder, uri);
    const lang = rel ? languageForFile(rel) : undefined;
    const pythonRunner = adapter.id === 'pytest' || adapter.id === 'unittest';
    if (!rel || !lang || (lang === 'python') !== pythonRunner || !adapter.isTestFile(rel)) return undefined;
    const several = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    return this.tree.addFile(
      { folder, file: rel, framework: adapter.id },
      several ? `${folder.name}/${rel}` : rel,
      uri,
    );
  }
}

async function adapterFor(folder: vscode.WorkspaceFolder): Promise<FrameworkAdapter | undefined> {
  try {
    return await frameworkOf(folder, readSettings(folder.uri));
  } catch {
    // No framework recognized: this folder simply has no tests to show.
    return undefined;
  }
}
