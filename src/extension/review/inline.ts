import * as vscode from 'vscode';
import type { Candidate } from '../../core';
import { Disposable, setContext } from '../disposable';
import { allBut, applyHunks, type Hunk, hunksOf } from '../logic/hunks';
import { CONTEXT_KEYS } from '../logic/ids';
import { minimalEdit, planAccept } from '../logic/rebase';
import type { Log } from '../log';
import { currentText, projectFileUri } from '../workspace';
import { InlineView } from './inline-view';

/** A file of the candidate as the inline review sees it. */
export interface ReviewedFile {
  path: string;
  uri: vscode.Uri;
  /** The editor's text when last seen (what the hunks are positioned in). */
  known: string;
  /** What the file becomes when every change still offered is accepted. */
  target: string;
  /** The tests never ran on this file's target: the candidate was placed onto the user's edits. */
  rebased: boolean;
}

/** What the lenses and hovers say about the candidate. */
export interface InlineHeader {
  title: string;
  why: string;
  facts: string;
  explanation: string;
  hasNext: boolean;
}

export interface InlineState {
  header: InlineHeader;
  files: ReviewedFile[];
}

/** How the person decided: every change accepted, none, or some (a combination the tests never ran). */
export interface Settled {
  accepted: number;
  rejected: number;
  rebased: boolean;
}

/**
 * A candidate shown in the user's own editor: its changes (hunks) decorated in place, each with
 * Accept / Reject, and the whole candidate's. Accepting writes with one WorkspaceEdit (one undo
 * reverts it); the user's edits during the review are kept, the remaining changes placed onto them.
 */
export class InlineReview extends Disposable {
  private state: (InlineState & { accepted: number; rejected: number }) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly view: InlineView;

  constructor(
    private readonly log: Log,
    private readonly onSettled: (settled: Settled) => void | Promise<void>,
  ) {
    super();
    this.view = this._register(new InlineView(() => this.state));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.documentChanged(e.document)));
  }

  get active(): boolean {
    return !!this.state;
  }

  /** The user's files under review. */
  get uris(): vscode.Uri[] {
    return this.state?.files.map((f) => f.uri) ?? [];
  }

  /**
   * Shows the candidate in the user's editor. False (showing nothing) when it cannot be shown there:
   * it creates a file, or the user's edits since the repair started do not hold its changes.
   */
  async show(projectRoot: string, candidate: Candidate, header: InlineHeader): Promise<boolean> {
    this.clear();
    if (candidate.changes.some((c) => c.created)) return false;
    const current = new Map<string, string | undefined>();
    for (const change of candidate.changes)
      current.set(change.path, await currentText(projectFileUri(projectRoot, change.path)));
    const plan = await planAccept(candidate.changes, current);
    if (!plan.ok) {
      this.log.info(`the candidate is shown in the diff editor: ${plan.message}`);
      return false;
    }
    const files = candidate.changes.map((change): ReviewedFile => {
      const now = current.get(change.path)!;
      const planned = plan.files.find((f) => f.path === change.path);
      const uri = projectFileUri(projectRoot, change.path);
      return { path: change.path, uri, known: now, target: planned?.text ?? now, rebased: !!planned?.rebased };
    });
    this.state = { header, files, accepted: 0, rejected: 0 };
    setContext(
      CONTEXT_KEYS.reviewedFiles,
      files.map((f) => f.uri.fsPath),
    );
    await this.reveal(files.find((f) => f.known !== f.target) ?? files[0]!);
    this.view.render();
    return true;
  }

  /** Opens a file of the candidate at its first change. */
  async reveal(file: ReviewedFile): Promise<void> {
    const editor = await vscode.window.showTextDocument(file.uri, { preview: false });
    const [first] = hunksOf(file.known, file.target);
    if (first) {
      const range = new vscode.Range(first.start, 0, first.start + first.removed.length, 0);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }

  fileOf(uri: vscode.Uri | string): ReviewedFile | undefined {
    const key = uri.toString();
    return this.state?.files.find((f) => f.uri.toString() === key);
  }

  /** Hides the review from the editors (nothing is written). */
  clear(): void {
    this.state = undefined;
    setContext(CONTEXT_KEYS.reviewedFiles, []);
    this.view.render();
  }

  acceptChange(uri: string, start: number): Promise<void> {
    return this.enqueue(async () => {
      const found = this.hunkAt(uri, start);
      if (!found || !this.state) return;
      const text = applyHunks(found.file.known, found.hunks, new Set([found.index]));
      if (await this.write([{ file: found.file, text }])) this.state.accepted++;
      await this.settleIfDone();
    });
  }

  rejectChange(uri: string, start: number): Promise<void> {
    return this.enqueue(async () => {
      const found = this.hunkAt(uri, start);
      if (!found || !this.state) return;
      found.file.target = applyHunks(found.file.known, found.hunks, allBut(found.hunks, found.index));
      this.state.rejected++;
      await this.settleIfDone();
    });
  }

  /** Accepts every change still offered, in every file, with one WorkspaceEdit. */
  acceptAll(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.state) return;
      const pending = this.state.files.filter((f) => f.known !== f.target);
      const count = pending.reduce((n, f) => n + hunksOf(f.known, f.target).length, 0);
      if (await this.write(pending.map((file) => ({ file, text: file.target })))) this.state.accepted += count;
      await this.settleIfDone();
    });
  }

  /** Rejects every change still offered; changes already accepted stay. */
  rejectAll(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.state) return;
      for (const file of this.state.files) {
        this.state.rejected += hunksOf(file.known, file.target).length;
        file.target = file.known;
      }
      await this.settleIfDone();
    });
  }

  private hunkAt(uri: string, start: number): { file: ReviewedFile; hunks: Hunk[]; index: number } | undefined {
    const file = this.fileOf(uri);
    if (!file) return undefined;
    const hunks = hunksOf(file.known, file.target);
    const index = hunks.findIndex((h) => h.start === start);
    return index < 0 ? undefined : { file, hunks, index };
  }

  /** Writes the texts with one WorkspaceEdit and saves; false, after saying why, when nothing was written. */
  private async write(writes: { file: ReviewedFile; text: string }[]): Promise<boolean> {
    const edit = new vscode.WorkspaceEdit();
    const metadata = { label: 'Self-repair: accept candidate', needsConfirmation: false };
    const documents: vscode.TextDocument[] = [];
    for (const { file, text } of writes) {
      const document = await vscode.workspace.openTextDocument(file.uri);
      // A change of the user's not yet seen: the next turn of the queue places the candidate onto it.
      if (document.getText() !== file.known) return false;
      const change = minimalEdit(file.known, text);
      const range = new vscode.Range(document.positionAt(change.start), document.positionAt(change.end));
      edit.replace(file.uri, range, change.text, metadata);
      documents.push(document);
    }
    const previous = writes.map(({ file }) => file.known);
    // Known before the edit lands, so its change event is not taken for the user's.
    for (const { file, text } of writes) file.known = text;
    if (!(await vscode.workspace.applyEdit(edit))) {
      writes.forEach(({ file }, i) => (file.known = previous[i]!));
      void vscode.window.showErrorMessage('Self-repair: VS Code did not apply the change; nothing was changed.');
      return false;
    }
    const saved = await Promise.all(documents.map((d) => d.save()));
    const unsaved = documents.filter((_, i) => !saved[i]).map((d) => vscode.workspace.asRelativePath(d.uri));
    if (unsaved.length) this.log.warn(`VS Code did not save ${unsaved.join(', ')}; save it yourself`);
    return true;
  }

  private documentChanged(document: vscode.TextDocument): void {
    const file = this.fileOf(document.uri);
    if (!file || document.getText() === file.known) return;
    void this.enqueue(() => this.placeOntoEdit(file, document));
  }

  /** The user edited a file under review: its remaining changes are placed onto their text, or dropped. */
  private async placeOntoEdit(file: ReviewedFile, document: vscode.TextDocument): Promise<void> {
    const now = document.getText();
    if (!this.state || this.fileOf(file.uri) !== file || now === file.known) return;
    const change = { path: file.path, before: file.known, after: file.target };
    const plan = await planAccept([change], new Map([[file.path, now]]));
    file.known = now;
    if (plan.ok) {
      file.target = plan.files[0]?.text ?? now;
      file.rebased ||= !!plan.files[0]?.rebased;
    } else {
      file.target = now;
      void vscode.window.showWarningMessage(
        `Self-repair: you changed the lines the candidate changes in ${file.path}; its changes there are no longer offered (Open Diff still shows them).`,
      );
    }
    await this.settleIfDone();
  }

  private async settleIfDone(): Promise<void> {
    const state = this.state;
    if (!state) return;
    if (state.files.some((f) => f.known !== f.target)) {
      this.view.render();
      return;
    }
    const settled = {
      accepted: state.accepted,
      rejected: state.rejected,
      rebased: state.files.some((f) => f.rebased),
    };
    this.clear();
    await this.onSettled(settled);
  }

  private enqueue(run: () => Promise<void>): Promise<void> {
    const next = this.queue.then(run);
    this.queue = next.catch((error: unknown) => this.log.error(error instanceof Error ? error : String(error)));
    return next;
  }
}
