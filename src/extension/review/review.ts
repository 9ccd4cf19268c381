import * as vscode from 'vscode';
import type { Candidate } from '../../core';
import { Disposable, setContext } from '../disposable';
import type { FailureStore } from '../failures';
import { reportForFolder } from '../logic/project-paths';
import type { FolderProject } from '../project-tests';
import type { Log } from '../log';
import { candidateLabel, changedLines, diffTitle, explanationMarkdown } from '../logic/candidates';
import { CONTEXT_KEYS } from '../logic/ids';
import { MESSAGES } from '../logic/messages';
import { firstSentence } from '../logic/text';
import type { SelfRepairTests } from '../test-controller';
import { projectFileUri } from '../workspace';
import { acceptedLogLine, announceAccepted, rebasedPaths, writeCandidate, type Written } from './accept';
import { CANDIDATE_SCHEME, CandidateContentProvider, reviewKey } from './content-provider';

interface Session {
  id: string;
  /** Where the candidates' paths are rooted: the repaired project, which may lie inside the folder. */
  project: FolderProject;
  /** Verified fixes, best first. */
  candidates: Candidate[];
  index: number;
}

interface Shown {
  explanation: vscode.Uri;
}

let sessions = 0;

/**
 * Reviewing the verified candidates of one repair: each opens in the diff editor (original on the
 * left, candidate on the right) with its explanation; Accept writes it with one WorkspaceEdit,
 * Reject leaves every file as it is, Next Candidate moves on.
 */
export class CandidateReview extends Disposable {
  private session: Session | undefined;
  private shown: Shown | undefined;
  private readonly content: CandidateContentProvider;

  constructor(
    private readonly log: Log,
    private readonly failures: FailureStore,
    private readonly tests: SelfRepairTests,
  ) {
    super();
    this.content = this._register(new CandidateContentProvider());
    this._register(
      vscode.languages.registerHoverProvider(
        { scheme: CANDIDATE_SCHEME },
        { provideHover: (document, position) => this.hover(document, position) },
      ),
    );
    this._register({ dispose: () => this.clearContext() });
  }

  get active(): boolean {
    return !!this.session;
  }

  async start(project: FolderProject, candidates: Candidate[]): Promise<void> {
    await this.end();
    this.session = { id: `r${++sessions}`, project, candidates, index: 0 };
    setContext(CONTEXT_KEYS.reviewing, true);
    setContext(CONTEXT_KEYS.hasNextCandidate, candidates.length > 1);
    await this.show();
  }

  private async show(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const candidate = session.candidates[session.index]!;
    const position = session.index + 1;
    const count = session.candidates.length;
    const key = { session: session.id, candidate: candidate.id };
    const explanation = this.content.add(
      `Self-repair candidate ${position} of ${count}.md`,
      { ...key, side: 'explanation' },
      explanationMarkdown(candidate, position, count),
    );
    this.shown = { explanation };
    const sides = candidate.changes.map((change) => ({
      change,
      file: projectFileUri(session.project.root, change.path),
      left: this.content.add(change.path, { ...key, side: 'original' }, change.before),
      right: this.content.add(change.path, { ...key, side: 'candidate' }, change.after),
    }));
    const options: vscode.TextDocumentShowOptions = { preview: false };
    if (sides.length === 1) {
      const [only] = sides;
      await vscode.commands.executeCommand(
        'vscode.diff',
        only!.left,
        only!.right,
        diffTitle(only!.change.path, candidate, position, count),
        options,
      );
    } else if ((await vscode.commands.getCommands(true)).includes('vscode.changes')) {
      await vscode.commands.executeCommand(
        'vscode.changes',
        candidateLabel(candidate, position, count),
        sides.map((s) => [s.file, s.left, s.right]),
      );
    } else {
      for (const side of sides) {
        await vscode.commands.executeCommand(
          'vscode.diff',
          side.left,
          side.right,
          diffTitle(side.change.path, candidate, position, count),
          options,
        );
      }
    }
    this.log.info(
      `reviewing ${candidateLabel(candidate, position, count)}: ${candidate.changes.map((c) => c.path).join(', ')}`,
    );
    void this.notify(session, candidate, position, count);
  }

  /** The explanation where it is seen: a notification with the review's actions. */
  private async notify(session: Session, candidate: Candidate, position: number, count: number): Promise<void> {
    const actions = ['Accept', 'Reject', ...(count > 1 ? ['Next Candidate'] : []), 'Show Explanation'];
    const why = firstSentence(candidate.explanation);
    const choice = await vscode.window.showInformationMessage(
      `${candidateLabel(candidate, position, count)}${why ? `: ${why}` : ''}`,
      ...actions,
    );
    if (!choice) return;
    // A notification cannot be withdrawn, so its buttons may outlive the review (ended from the
    // editor title, or moved to another candidate): say so rather than doing nothing.
    if (this.session !== session || session.index !== position - 1) {
      void vscode.window.showInformationMessage(MESSAGES.reviewMoved);
      return;
    }
    if (choice === 'Accept') await this.accept();
    else if (choice === 'Reject') await this.reject();
    else if (choice === 'Next Candidate') await this.next();
    else await this.showExplanation();
  }

  async showExplanation(): Promise<void> {
    if (!this.session || !this.shown) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    try {
      // The built-in markdown extension registers this command when it activates, which running it does.
      await vscode.commands.executeCommand('markdown.showPreviewToSide', this.shown.explanation);
    } catch {
      const document = await vscode.workspace.openTextDocument(this.shown.explanation);
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
  }

  async next(): Promise<void> {
    const session = this.session;
    if (!session) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    await this.closeTabs(session.id);
    session.index = (session.index + 1) % session.candidates.length;
    await this.show();
  }

  async reject(): Promise<void> {
    if (!this.session) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    const candidate = this.session.candidates[this.session.index]!;
    await this.end();
    this.log.info(`rejected candidate ${candidate.index} of turn ${candidate.turn}; no file was changed`);
    void vscode.window.showInformationMessage('Self-repair: candidate rejected; your files are unchanged.');
  }

  /** Accepts the candidate shown: writes it (see writeCandidate), records what is now known, ends the review. */
  async accept(): Promise<void> {
    const session = this.session;
    if (!session) {
      void vscode.window.showInformationMessage(MESSAGES.noCandidate);
      return;
    }
    const candidate = session.candidates[session.index]!;
    const written = await writeCandidate(session.project.root, candidate, this.log);
    if (!written) return;
    this.log.info(acceptedLogLine(candidate, written));
    this.recordAccepted(session.project, candidate, written);
    await this.end();
    announceAccepted(written);
  }

  /** What the project's tests are known to do now, for the code lenses and the Test Explorer. */
  private recordAccepted(project: FolderProject, candidate: Candidate, written: Written): void {
    const { folder } = project;
    if (rebasedPaths(written).length) {
      // The tests never ran on this combination: what is known about the folder is out of date.
      this.failures.clear(folder);
      this.tests.invalidate(folder);
    } else if (candidate.report) {
      this.failures.update(project, candidate.report);
      const report = reportForFolder(candidate.report, project.place);
      void this.tests.showReport(folder, report, 'Self-repair: accepted candidate (verified in a copy)');
    }
  }

  /** Closes the review's editors and forgets its documents. */
  async end(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.session = undefined;
    this.shown = undefined;
    this.clearContext();
    await this.closeTabs(session.id);
    this.content.forget(session.id);
  }

  private clearContext(): void {
    setContext(CONTEXT_KEYS.reviewing, false);
    setContext(CONTEXT_KEYS.hasNextCandidate, false);
  }

  private async closeTabs(session: string): Promise<void> {
    const ours = (uri: unknown): boolean => uri instanceof vscode.Uri && reviewKey(uri)?.session === session;
    const tabs = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .filter((tab) => {
        const input = tab.input as {
          uri?: unknown;
          original?: unknown;
          modified?: unknown;
          textDiffs?: Array<{ modified?: unknown }>;
          viewType?: string;
        };
        if (input instanceof vscode.TabInputTextDiff || input instanceof vscode.TabInputText) {
          return ours(input instanceof vscode.TabInputText ? input.uri : input.modified);
        }
        // The multi-file diff (vscode.changes) and the markdown preview have no typed input in VS Code 1.90.
        if (Array.isArray(input?.textDiffs)) return input.textDiffs.some((d) => ours(d.modified));
        return (
          /markdown\.preview/.test(input?.viewType ?? '') && /Self-repair candidate \d+ of \d+\.md/.test(tab.label)
        );
      });
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
    return new vscode.Hover(new vscode.MarkdownString(`**${title}**\n\n${candidate.explanation.trim()}`));
  }
}
