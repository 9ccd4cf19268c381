import * as vscode from 'vscode';
import { findTestDefinitions, languageForFile } from '../core';
import { Disposable } from './disposable';
import type { FailureStore } from './failures';
import { folderTestId } from './logic/project-paths';
import { belongsTo } from './logic/test-ids';
import { LensRefresh } from './logic/lens-refresh';
import { lensTitle } from './logic/lens-title';
import { projectOf } from './project-tests';
import { readSettings } from './settings';
import { relativePath } from './workspace';

/** pytest and unittest; node --test, vitest, jest and mocha; go test; cargo test. */
export const TEST_LANGUAGES = [
  'python',
  'javascript',
  'typescript',
  'javascriptreact',
  'typescriptreact',
  'go',
  'rust',
];

/** The argument a lens passes to `selfRepair.repairTest`. */
export interface LensTarget {
  uri: string;
  testId: string;
}

const SELECTOR: vscode.DocumentSelector = TEST_LANGUAGES.map((language) => ({ scheme: 'file', language }));

/**
 * `$(wrench) Self-repair: fix "test_x" — reason` above each failing test, from the last run of the
 * folder's tests. Positions come from parsing the document as it is now, so lenses stay on their
 * test while the user edits.
 */
export class FailingTestLenses extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly refresh = new LensRefresh({
    signal: () => this.changed.fire(),
    visibleDocuments: () =>
      vscode.window.visibleTextEditors
        .filter((editor) => vscode.languages.match(SELECTOR, editor.document) > 0)
        .map((editor) => editor.document.uri.toString()),
    setTimeout: (callback, ms) => {
      const timer = setTimeout(callback, ms);
      return { dispose: () => clearTimeout(timer) };
    },
  });

  constructor(private readonly failures: FailureStore) {
    super();
    this._register(this.refresh);
    this._register(failures.onDidChange(() => this.refresh.changed()));
    // Moments when an editor that missed the change is in view again.
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.refresh.poke()));
    this._register(
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused) this.refresh.poke();
      }),
    );
    this._register(vscode.languages.registerCodeLensProvider(SELECTOR, this));
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const done = this.refresh.providing(document.uri.toString());
    const lenses = await this.lensesOf(document);
    if (!token.isCancellationRequested) done();
    return lenses;
  }

  private async lensesOf(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    // The whole folder's failures: a go test's id names its package, a Rust unit test's its crate target, not this file.
    const known = folder && this.failures.inFolder(folder);
    const rel = folder && relativePath(folder, document.uri);
    const lang = rel && languageForFile(rel);
    if (!folder || !known?.failures.length || !rel || !lang) return [];
    const definitions = await findTestDefinitions(document.getText(), rel, lang).catch(() => []);
    const project = await projectOf(folder, document.uri, readSettings(folder.uri));
    // A folder's projects may each have their own framework (a monorepo).
    const frameworks = [...new Set(known.failures.map((f) => f.framework))];
    const lenses: vscode.CodeLens[] = [];
    for (const definition of definitions) {
      if (definition.kind !== 'test') continue;
      const ids = frameworks.map((framework) => folderTestId(framework, project, rel, definition.fullName));
      const testId = ids.find((id) => known.failures.some((f) => belongsTo(f.id, id)));
      const failing = testId ? known.failures.filter((f) => belongsTo(f.id, testId)) : [];
      if (!testId || failing.length === 0) continue;
      const range = new vscode.Range(definition.range.startLine - 1, 0, definition.range.startLine - 1, 0);
      const target: LensTarget = { uri: document.uri.toString(), testId };
      lenses.push(
        new vscode.CodeLens(range, {
          title: lensTitle(
            definition.name,
            failing.map((f) => f.reason),
          ),
          command: 'selfRepair.repairTest',
          arguments: [target],
          tooltip: [
            `Repair ${definition.name} with Self-repair: only a patch that makes it pass, without breaking other tests, is offered`,
            ...failing.map((f) => `${f.id}: ${f.message}`),
          ].join('\n'),
        }),
      );
    }
    return lenses;
  }
}
