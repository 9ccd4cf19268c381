import path from 'node:path';
import * as vscode from 'vscode';
import type { Candidate, FileChange } from '../../core';
import type { Log } from '../log';
import { minimalEdit, planAccept, type PlannedFile } from '../logic/rebase';
import { currentText, projectFileUri } from '../workspace';

/** A candidate written into the workspace. */
export interface Written {
  files: PlannedFile[];
  /** Workspace-relative paths VS Code did not save. */
  unsaved: string[];
}

/**
 * Writes the candidate with one WorkspaceEdit (one undo reverts it) and saves. A file the user
 * edited since the repair started gets the candidate's hunks placed onto their text, or — when they
 * do not fit — nothing is written at all. Undefined, after saying why, when nothing was written.
 */
export async function writeCandidate(
  projectRoot: string,
  candidate: Candidate,
  log: Log,
): Promise<Written | undefined> {
  const current = await currentTexts(projectRoot, candidate.changes);
  const plan = await planAccept(candidate.changes, current);
  if (!plan.ok) {
    log.warn(`accept refused: ${plan.message}`);
    void vscode.window.showErrorMessage(`Self-repair: ${plan.message}`);
    return undefined;
  }
  const prepared = await editFor(projectRoot, plan.files, current);
  if (!prepared) return undefined;
  if (!(await vscode.workspace.applyEdit(prepared.edit))) {
    void vscode.window.showErrorMessage('Self-repair: VS Code did not apply the candidate; nothing was changed.');
    return undefined;
  }
  const unsaved = await save(prepared.documents);
  if (unsaved.length)
    log.warn(`the candidate is applied but VS Code did not save ${unsaved.join(', ')}; save it yourself`);
  return { files: plan.files, unsaved };
}

/** Each changed file's text now: the open document's (unsaved edits included), else the disk's. */
async function currentTexts(
  projectRoot: string,
  changes: readonly FileChange[],
): Promise<Map<string, string | undefined>> {
  const current = new Map<string, string | undefined>();
  for (const change of changes) current.set(change.path, await currentText(projectFileUri(projectRoot, change.path)));
  return current;
}

/**
 * The edit that writes the plan, as small as the change (so the cursor and folds stay put), and the
 * documents it touches. Undefined, after saying so, when a file changed since it was read.
 */
async function editFor(
  projectRoot: string,
  files: readonly PlannedFile[],
  current: ReadonlyMap<string, string | undefined>,
): Promise<{ edit: vscode.WorkspaceEdit; documents: vscode.TextDocument[] } | undefined> {
  const edit = new vscode.WorkspaceEdit();
  const metadata: vscode.WorkspaceEditEntryMetadata = {
    label: 'Self-repair: accept candidate',
    needsConfirmation: false,
  };
  const documents: vscode.TextDocument[] = [];
  for (const file of files) {
    const uri = projectFileUri(projectRoot, file.path);
    if (file.create) {
      edit.createFile(uri, { contents: new TextEncoder().encode(file.text) }, metadata);
      continue;
    }
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText() !== current.get(file.path)) {
      void vscode.window.showErrorMessage(
        `Self-repair: ${file.path} changed while accepting; nothing was changed (try Accept again)`,
      );
      return undefined;
    }
    const change = minimalEdit(document.getText(), file.text);
    edit.replace(
      uri,
      new vscode.Range(document.positionAt(change.start), document.positionAt(change.end)),
      change.text,
      metadata,
    );
    documents.push(document);
  }
  return { edit, documents };
}

/** Saves the documents; returns the workspace-relative paths of those VS Code did not save. */
async function save(documents: readonly vscode.TextDocument[]): Promise<string[]> {
  const saved = await Promise.all(documents.map((document) => document.save()));
  return documents.filter((_, i) => !saved[i]).map((document) => vscode.workspace.asRelativePath(document.uri));
}

/** The files the candidate was placed onto the user's own edits in. */
export function rebasedPaths(written: Written): string[] {
  return written.files.filter((f) => f.rebased).map((f) => f.path);
}

export function acceptedLogLine(candidate: Candidate, written: Written): string {
  const rebased = rebasedPaths(written);
  const files = written.files.map((f) => f.path).join(', ') || 'nothing';
  return `accepted candidate ${candidate.index} of turn ${candidate.turn}: wrote ${files}${rebased.length ? `; placed onto your edits in ${rebased.join(', ')}` : ''}`;
}

/** Tells the user what was written, and what they still have to do (run the tests, save). */
export function announceAccepted(written: Written): void {
  const rebased = rebasedPaths(written);
  const files = written.files.map((f) => path.posix.basename(f.path)).join(', ') || 'no file (already applied)';
  const placed = rebased.length ? `, placed onto your edits in ${rebased.join(', ')}; run the tests to check` : '';
  if (written.unsaved.length) {
    void vscode.window.showWarningMessage(
      `Self-repair: applied the candidate to ${files}${placed}, but ${written.unsaved.join(', ')} could not be saved: save it yourself. Undo reverts it.`,
    );
  } else {
    void vscode.window.showInformationMessage(
      `Self-repair: applied the candidate to ${files}${placed}. Undo reverts it.`,
    );
  }
}
