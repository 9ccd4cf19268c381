import * as vscode from 'vscode';
import { type FrameworkAdapter, languageForFile } from '../../core';
import { Disposable } from '../disposable';
import { toProjectPath } from '../logic/project-paths';
import { type FolderProject, frameworkOf, ProjectCache, projectOf } from '../project-tests';
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

  /** Each file is judged by the adapter of its project: a folder may hold several (a monorepo). */
  private async discoverNow(): Promise<void> {
    const seen = new Set<string>();
    const projects = new ProjectCache((folder) => readSettings(folder.uri));
    const adapters = new Map<string, Promise<FrameworkAdapter | undefined>>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const uris = await vscode.workspace.findFiles(
        new vscode.RelativePattern(folder, SOURCE_GLOB),
        EXCLUDE_GLOB,
        10_000,
      );
      for (const uri of uris) {
        const project = await projects.projectOf(folder, uri);
        if (!adapters.has(project.root)) adapters.set(project.root, adapterFor(project));
        const adapter = await adapters.get(project.root);
        if (adapter && this.visibility.shows(folder, adapter.id) && this.fileItem(project, adapter, uri))
          seen.add(uri.toString());
      }
    }
    this.tree.keepFiles(seen);
  }

  /** A file created or saved: its item, made when it is a test file, and parsed again when it was open in the tree. */
  async fileChanged(uri: vscode.Uri): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const project = await projectOf(folder, uri, readSettings(folder.uri));
    const adapter = await adapterFor(project);
    const item = adapter && this.visibility.shows(folder, adapter.id) && this.fileItem(project, adapter, uri);
    // Only files someone has looked into are parsed again; the rest stay lazy.
    if (item && item.children.size > 0) await this.parser.resolveFile(item);
  }

  /** The file's item, made when its project's adapter calls it a test file of a language it runs. */
  private fileItem(project: FolderProject, adapter: FrameworkAdapter, uri: vscode.Uri): vscode.TestItem | undefined {
    const existing = this.tree.fileItem(uri);
    if (existing) return existing;
    const { folder } = project;
    const rel = relativePath(folder, uri);
    const lang = rel ? languageForFile(rel) : undefined;
    const pythonRunner = adapter.id === 'pytest' || adapter.id === 'unittest';
    if (!rel || !lang || (lang === 'python') !== pythonRunner) return undefined;
    if (!adapter.isTestFile(toProjectPath(project.place, rel))) return undefined;
    const several = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    return this.tree.addFile(
      { folder, file: rel, framework: adapter.id },
      several ? `${folder.name}/${rel}` : rel,
      uri,
    );
  }
}

async function adapterFor(project: FolderProject): Promise<FrameworkAdapter | undefined> {
  try {
    return await frameworkOf(project, readSettings(project.folder.uri));
  } catch {
    // No framework recognized: this project simply has no tests to show.
    return undefined;
  }
}
