import path from 'node:path';
import * as vscode from 'vscode';
import { MESSAGES } from './logic/messages';

/** The folder a repair or test run is about: the active file's, else the only one, else the user's pick. */
export async function activeFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const own = uri ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
  if (own) return own;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 1) return folders[0];
  if (folders.length === 0) {
    void vscode.window.showWarningMessage(MESSAGES.noFolder);
    return undefined;
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which folder should Self-repair work on?' });
}

/** Project-relative POSIX path of a file inside `folder`, or undefined when it is outside. */
export function relativePath(folder: vscode.WorkspaceFolder, uri: vscode.Uri): string | undefined {
  if (uri.scheme !== folder.uri.scheme) return undefined;
  const rel = path.relative(folder.uri.fsPath, uri.fsPath);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}

export function fileUri(folder: vscode.WorkspaceFolder, relPath: string): vscode.Uri {
  return path.isAbsolute(relPath) ? vscode.Uri.file(relPath) : vscode.Uri.joinPath(folder.uri, ...relPath.split('/'));
}

/** A file of a project (the engine's paths are relative to the project root, which may lie inside a folder). */
export function projectFileUri(projectRoot: string, relPath: string): vscode.Uri {
  return vscode.Uri.file(path.isAbsolute(relPath) ? relPath : path.join(projectRoot, ...relPath.split('/')));
}

/**
 * The tests run on a copy of what is on disk, so unsaved edits in the folder are saved first: the
 * run then tests what the user sees.
 */
export async function saveFolderDocuments(folder: vscode.WorkspaceFolder): Promise<void> {
  const dirty = vscode.workspace.textDocuments.filter(
    (doc) => doc.isDirty && !doc.isUntitled && relativePath(folder, doc.uri) !== undefined,
  );
  await Promise.all(dirty.map((doc) => doc.save()));
}

/** The open document's text (unsaved edits included), else the file on disk, else undefined. */
export async function currentText(uri: vscode.Uri): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((doc) => doc.uri.toString() === uri.toString());
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

/**
 * False, after saying why, in an untrusted workspace: tests execute the project's code. The message
 * is not awaited, so a command never hangs on it.
 */
export function ensureTrusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(MESSAGES.untrusted, 'Manage Workspace Trust').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
