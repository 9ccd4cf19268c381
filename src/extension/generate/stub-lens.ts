import * as vscode from 'vscode';
import { findStubs, languageForFile } from '../../core';
import { TEST_LANGUAGES } from '../code-lens';
import { Disposable } from '../disposable';
import type { ImplementArgument } from './implement';

export const IMPLEMENT_LENS_TITLE = '$(sparkle) Self-repair: Implement';

/** "Self-repair: Implement" above each stub of a file, parsed as the document is now. */
export class StubLenses extends Disposable implements vscode.CodeLensProvider {
  constructor() {
    super();
    const selector = TEST_LANGUAGES.map((language) => ({ scheme: 'file', language }));
    this._register(vscode.languages.registerCodeLensProvider(selector, this));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const lang = languageForFile(document.uri.fsPath);
    if (!lang || !vscode.workspace.getWorkspaceFolder(document.uri)) return [];
    const stubs = await findStubs(document.getText(), document.uri.fsPath, lang).catch(() => []);
    return stubs.map((stub) => {
      const line = stub.range.startLine - 1;
      const argument: ImplementArgument = { uri: document.uri.toString(), name: stub.name };
      return new vscode.CodeLens(new vscode.Range(line, 0, line, 0), {
        title: IMPLEMENT_LENS_TITLE,
        command: 'selfRepair.implementFunction',
        arguments: [argument],
        tooltip: `Write ${stub.name} with Self-repair: the tests that call it decide, and only a verified body is offered`,
      });
    });
  }
}
