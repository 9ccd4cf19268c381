/** "Self-repair: Implement Function": a stub of the active file, or the one a code lens names, implemented by the loop. */
import * as vscode from 'vscode';
import { functionShapes, languageForFile, type Stub } from '../../core';
import { projectOf } from '../project-tests';
import type { RepairRunner, RepairTarget } from '../repair-runner';
import { readSettings } from '../settings';
import { relativePath } from '../workspace';
import { chooseStub, implementMessages } from './choose';

/** The argument the Implement lens passes. */
export interface ImplementArgument {
  uri: string;
  name: string;
}

function isImplementArgument(arg: unknown): arg is ImplementArgument {
  const value = arg as Partial<ImplementArgument> | undefined;
  return typeof value?.uri === 'string' && typeof value.name === 'string';
}

export async function implementFunction(runner: RepairRunner, arg?: unknown): Promise<void> {
  const chosen = isImplementArgument(arg) ? await fromLens(arg) : await fromEditor();
  if (!chosen) return;
  if ('problem' in chosen) {
    // Not awaited: the command returns while the message waits for a click.
    const repairInstead = 'Self-repair';
    void vscode.window
      .showInformationMessage(chosen.problem, ...(chosen.offerRepair ? [repairInstead] : []))
      .then((choice) => {
        if (choice === repairInstead) void vscode.commands.executeCommand('selfRepair.repair');
      });
    return;
  }
  await runner.run(chosen);
}

type Chosen = RepairTarget | { problem: string; offerRepair?: boolean } | undefined;

async function fromLens(arg: ImplementArgument): Promise<Chosen> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
  return targetFor(document, arg.name);
}

/** The stub under the cursor, else one the user picks among the active file's stubs. */
async function fromEditor(): Promise<Chosen> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return { problem: implementMessages.noEditor };
  const { document } = editor;
  const lang = languageForFile(document.uri.fsPath);
  if (!lang) return { problem: implementMessages.noLanguage(vscode.workspace.asRelativePath(document.uri)) };
  const functions = await functionShapes(document.getText(), document.uri.fsPath, lang);
  const choice = chooseStub(functions, editor.selection.active.line + 1, vscode.workspace.asRelativePath(document.uri));
  if ('problem' in choice) return choice;
  const stub = 'stub' in choice ? choice.stub : await pickStub(choice.pick);
  return stub && targetFor(document, stub.name);
}

async function pickStub(stubs: Stub[]): Promise<Stub | undefined> {
  const items = stubs.map((stub) => ({
    label: stub.name,
    description: `line ${stub.range.startLine}`,
    detail: stub.signature,
    stub,
  }));
  const picked = await vscode.window.showQuickPick(items, { title: implementMessages.pickTitle });
  return picked?.stub;
}

/** The loop's target: the file's project (as for its tests), generate mode on `name`. */
async function targetFor(document: vscode.TextDocument, name: string): Promise<Chosen> {
  const folder = vscode.workspace.getWorkspaceFolder(document.uri);
  if (!folder || !relativePath(folder, document.uri)) return { problem: implementMessages.noEditor };
  const project = await projectOf(folder, document.uri, readSettings(folder.uri));
  return {
    folder,
    projectRoot: project.root,
    label: `implement ${name}`,
    generate: { file: document.uri.fsPath, name },
  };
}
