import * as vscode from 'vscode';
import { findTestDefinitions, languageForFile } from '../core';
import { Disposable } from './disposable';
import type { FailureStore } from './failures';
import { folderTestId } from './logic/project-paths';
import { belongsTo } from './logic/test-ids';
import { oneLine } from './logic/text';
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

/**
 * `$(wrench) Self-repair` and the failure's one-line reason above each failing test, from the last
 * run of the folder's tests. Positions come from parsing the document as it is now, so lenses stay
 * on their test while the user edits.
 */
export class FailingTestLenses extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly failures: FailureStore) {
    super();
    this._register(failures.onDidChange(() => this.changed.fire()));
    const selector = TEST_LANGUAGES.map((language) => ({ scheme: 'file', language }));
    this._register(vscode.languages.registerCodeLensProvider(selector, this));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
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
          title: '$(wrench) Self-repair',
          command: 'selfRepair.repairTest',
          arguments: [target],
          tooltip: `Repair ${definition.name} with Self-repair: only a patch that makes it pass, without breaking other tests, is offered`,
        }),
      );
      const more = failing.length > 1 ? ` (+${failing.length - 1} more)` : '';
      lenses.push(
        new vscode.CodeLens(range, {
          // No command: the reason is a label, not a second button.
          title: `— ${oneLine(failing[0]!.reason, 72)}${more}`,
          command: '',
          tooltip: failing.map((f) => `${f.id}: ${f.message}`).join('\n'),
        }),
      );
    }
    return lenses;
  }
}
