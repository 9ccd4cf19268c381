import * as vscode from 'vscode';
import type { Candidate } from '../../core';
import { Disposable, setContext } from '../disposable';
import type { FailureStore } from '../failures';
import {
  candidateFacts,
  candidateLabel,
  changedLines,
  explanationMarkdown,
  type ReviewContext,
  whyLine,
} from '../logic/candidates';
import { CONTEXT_KEYS } from '../logic/ids';
import { MESSAGES } from '../logic/messages';
import { reportForFolder } from '../logic/project-paths';
import { partialWarning, type ReviewOutcome, reviewingText, reviewOutcomeText } from '../logic/review-status';
import type { Log } from '../log';
import type { FolderProject } from '../project-tests';
import { readSettings } from '../settings';
import type { RepairStatusBar } from '../status-bar';
import type { SelfRepairTests } from '../test-controller';
import { acceptedLogLine, announceAccepted, rebasedPaths, writeCandidate } from './accept';
import { CANDIDATE_SCHEME, CandidateContentProvider, reviewKey } from './content-provider';
import { InlineReview, type Settled } from './inline';
import { allTabs, isFileTab, isReviewTab, openCandidateDiff } from './tabs';

interface Session {
  id: string;
  /** Where the candidates' paths are rooted: the repaired project, which may lie inside the folder. */
  project: FolderProject;
  /** Verified fixes, best first. */
  candidates: Candidate[];
  context: ReviewContext;
  index: number;
  explanation?: vscode.Uri;
}

let sessions = 0;

/**
 * Reviewing the verified candidates of one repair: each is shown inline in the user's editor
 * (`selfRepair.reviewStyle: inline`) or in the diff editor (`diff`), the other one click away.
 * Accept writes it with one WorkspaceEdit, Reject leaves every file as it is, Next Candidate moves
 * on. The controls live in the lenses, the editor title and the palette, and end with the review;
 * the status bar says how it ended, then returns to idle.
 */
export class CandidateReview extends Disposable {
  private session: Session | undefined;
  /** Tabs close while moving to another candidate: that does not end the review. */
  private switching = false;
  private readonly content: CandidateContentProvider;
  private readonly inline: InlineReview;

  constructor(
    private readonly log: Log,
    private readonly failures: FailureStore,
    private readonly tests: SelfRepairTests,
    private readonly statusBar: RepairStatusBar,
  ) {
    super();
    this.content = this._register(new CandidateContentProvider());
    this.inline = this._register(new InlineReview(log, (settled) => this.settled(settled)));
    this._register(
      vscode.languages.registerHoverProvider(
        { scheme: CANDIDATE_SCHEME },
        { provideHover: (document, position) => this.hover(document, position) },
      ),
    );
    this._register(vscode.window.tabGroups.onDidChangeTabs((e) => e.closed.length && this.tabsClosed()));
    this._register({ dispose: () => this.clearContext() });
  }

  get active(): boolean {
    return !!this.session;
  }

  get inlineReview(): InlineReview {
    return this.inline;
  }

  async start(project: FolderProject, candidates: Candidate[], context: ReviewContext): Promise<void> {
    await this.end();
    this.session = { id: `r${++sessions}`, project, candidates, context, index: 0 };
    setContext(CONTEXT_KEYS.reviewing, true);
    setContext(CONTEXT_KEYS.hasNextCandidate, candidates.length > 1);
    await this.show();
  }

  private current(session: Session): { candidate: Candidate; position: number; count: number } {
    return {
      candidate: session.candidates[session.index]!,
      position: session.index + 1,
      count: session.candidates.length,
    };
  }

  private async show(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const { candidate, position, count } = this.current(session);
    const label = candidateLabel(candidate, position, count);
    session.explanation = this.content.add(
      `Self-repair candidate ${position} of ${count}.md`,
      { session: session.id, candidate: candidate.id, side: 'explanation' },
      explanationMarkdown(candidate, position, count, session.context),
    );
    this.statusBar.reviewing(reviewingText(label), `${label}\n${whyLine(candidate, session.context.tokens, 300)}`);
    const header = {
      title: label,
      why: whyLine(candidate, session.context.tokens),
      facts: candidateFacts(candidate, session.context.tokens),
      explanation: candidate.explanation,
      hasNext: count > 1,
    };
    const inline =
      readSettings(session.project.folder.uri).reviewStyle === 'inline' &&
      (await this.inline.show(session.project.root, candidate, header));
    if (!inline) await this.openDiff();
    this.log.info(`reviewing ${label}${inline ? ' inline' : ''}: ${candidate.changes.map((c) => c.path).join(', ')}`);
  }

  async openDiff(): Promise<void> {
    const session = this.session;
    if (!session) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    await openCandidateDiff(this.content, session.project.root, { session: session.id, ...this.current(session) });
  }

  /** The files of a multi-file candidate, to open one at its changes. */
  async showFiles(): Promise<void> {
    const files = this.inline.active ? this.inline.uris : [];
    if (!files.length) return this.openDiff();
    const picked = await vscode.window.showQuickPick(
      files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
      { title: 'Files the Self-repair candidate changes' },
    );
    const file = picked && this.inline.fileOf(picked.uri);
    if (file) await this.inline.reveal(file);
  }

  async showExplanation(): Promise<void> {
    const explanation = this.session?.explanation;
    if (!explanation) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    try {
      // The built-in markdown extension registers this command when it activates, which running it does.
      await vscode.commands.executeCommand('markdown.showPreviewToSide', explanation);
    } catch {
      const document = await vscode.workspace.openTextDocument(explanation);
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
  }

  async next(): Promise<void> {
    const session = this.session;
    if (!session) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    this.switching = true;
    try {
      this.inline.clear();
      await this.closeTabs(session.id);
      session.index = (session.index + 1) % session.candidates.length;
      await this.show();
    } finally {
      this.switching = false;
    }
  }

  async reject(): Promise<void> {
    if (!this.session) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    if (this.inline.active) return this.inline.rejectAll();
    await this.rejected(this.session);
  }

  private async rejected(session: Session): Promise<void> {
    const { candidate } = this.current(session);
    await this.end({ kind: 'rejected' });
    this.log.info(`rejected candidate ${candidate.index} of turn ${candidate.turn}; no file was changed`);
    void vscode.window.showInformationMessage(MESSAGES.rejected);
  }

  /** Accepts the candidate shown: writes it (see writeCandidate), records what is now known, ends the review. */
  async accept(): Promise<void> {
    const session = this.session;
    if (!session) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    if (this.inline.active) return this.inline.acceptAll();
    const { candidate } = this.current(session);
    const written = await writeCandidate(session.project.root, candidate, this.log);
    if (!written) return;
    this.log.info(acceptedLogLine(candidate, written));
    this.recordAccepted(session.project, candidate, rebasedPaths(written).length > 0);
    await this.end({ kind: 'accepted' });
    announceAccepted(written);
  }

  /** Every change of the inline review was accepted or rejected. */
  private async settled({ accepted, rejected, rebased }: Settled): Promise<void> {
    const session = this.session;
    if (!session) return;
    const { candidate } = this.current(session);
    const files = candidate.changes.map((c) => c.path).join(', ');
    if (!accepted) return this.rejected(session);
    if (!rejected) {
      this.log.info(`accepted candidate ${candidate.index} of turn ${candidate.turn}: wrote ${files}`);
      this.recordAccepted(session.project, candidate, rebased);
      await this.end({ kind: 'accepted' });
      const placed = rebased ? ', placed onto your edits; run the tests to check' : '';
      void vscode.window.showInformationMessage(
        `Self-repair: applied the candidate to ${files}${placed}. Undo reverts it.`,
      );
      return;
    }
    const total = accepted + rejected;
    this.log.info(`accepted ${accepted} of ${total} changes of candidate ${candidate.index} of turn ${candidate.turn}`);
    this.recordAccepted(session.project, candidate, true);
    await this.end({ kind: 'partial', accepted, total });
    void vscode.window.showWarningMessage(partialWarning(accepted, total));
  }

  /** What the project's tests are known to do now, for the code lenses and the Test Explorer. */
  private recordAccepted(project: FolderProject, candidate: Candidate, untested: boolean): void {
    const { folder } = project;
    if (untested) {
      // The tests never ran on this combination: what is known about the folder is out of date.
      this.failures.clear(folder);
      this.tests.invalidate(folder);
    } else if (candidate.report) {
      this.failures.update(project, candidate.report);
      const report = reportForFolder(candidate.report, project.place);
      void this.tests.showReport(folder, report, 'Self-repair: accepted candidate (verified in a copy)');
    }
  }

  /** Ends the review: its decorations, lenses, editors and buttons go; the status bar says how it ended. */
  async end(outcome?: ReviewOutcome): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    this.inline.clear();
    this.clearContext();
    if (outcome) this.statusBar.reviewEnded(reviewOutcomeText(outcome));
    await this.closeTabs(session.id);
    this.content.forget(session.id);
  }

  private clearContext(): void {
    setContext(CONTEXT_KEYS.reviewing, false);
    setContext(CONTEXT_KEYS.hasNextCandidate, false);
  }

  /** The person closed the last editor showing the review: it ends, nothing written. */
  private tabsClosed(): void {
    const session = this.session;
    if (!session || this.switching) return;
    const files = this.inline.uris;
    if (allTabs().some((tab) => isReviewTab(tab, session.id) || isFileTab(tab, files))) return;
    this.log.info('the review\u2019s editors were closed; no file was changed');
    void this.end({ kind: 'closed' });
  }

  private async closeTabs(session: string): Promise<void> {
    const tabs = allTabs().filter((tab) => isReviewTab(tab, session));
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  /** The explanation on hover over the lines the candidate changed. */
  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const session = this.session;
    const key = reviewKey(document.uri);
    if (!session || key?.session !== session.id || key.side !== 'candidate') return undefined;
    const candidate = session.candidates.find((c) => c.id === key.candidate);
    const change = candidate?.changes.find((c) => `/${c.path}` === document.uri.path);
    if (!candidate || !change || !changedLines(change.before, change.after).has(position.line)) return undefined;
    const title = candidateLabel(candidate, session.candidates.indexOf(candidate) + 1, session.candidates.length);
    const facts = candidateFacts(candidate, session.context.tokens);
    const more = '[Explanation and earlier turns](command:selfRepair.showExplanation)';
    const markdown = new vscode.MarkdownString(`**${title}** · ${facts}\n\n${candidate.explanation.trim()}\n\n${more}`);
    markdown.isTrusted = { enabledCommands: ['selfRepair.showExplanation'] };
    return new vscode.Hover(markdown);
  }
}
