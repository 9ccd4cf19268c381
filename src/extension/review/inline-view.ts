import path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import { type Hunk, hunkDiff, hunksOf, hunkView } from '../logic/hunks';
import type { InlineState, ReviewedFile } from './inline';

/** Commands the hover's links may run (a hover's markdown runs no other command). */
const HOVER_COMMANDS = [
  'selfRepair.acceptChange',
  'selfRepair.rejectChange',
  'selfRepair.openCandidateDiff',
  'selfRepair.showExplanation',
];

/**
 * What the inline review looks like: removed lines struck through on a red background, added lines
 * as green text beside them, lenses with Accept / Reject over each change and for the candidate, the
 * explanation's first sentence under the first change, and the whole explanation on hover.
 */
export class InlineView extends Disposable implements vscode.CodeLensProvider, vscode.HoverProvider {
  private readonly removed = this._register(
    vscode.window.createTextEditorDecorationType({
      isWholeLine: true,
      backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
      textDecoration: 'line-through',
      overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
      overviewRulerLane: vscode.OverviewRulerLane.Left,
    }),
  );
  private readonly added = this._register(
    vscode.window.createTextEditorDecorationType({
      after: {
        color: new vscode.ThemeColor('gitDecoration.addedResourceForeground'),
        backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
        margin: '0 0 0 2em',
      },
    }),
  );
  private readonly lensesChanged = this._register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.lensesChanged.event;

  constructor(private readonly state: () => InlineState | undefined) {
    super();
    this._register(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, this));
    this._register(vscode.languages.registerHoverProvider({ scheme: 'file' }, this));
    this._register(vscode.window.onDidChangeVisibleTextEditors(() => this.decorate()));
  }

  /** Shows the state as it is now (nothing once the review ended). */
  render(): void {
    this.decorate();
    this.lensesChanged.fire();
  }

  private decorate(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const shown = this.shownIn(editor.document);
      const removed: vscode.Range[] = [];
      const added: vscode.DecorationOptions[] = [];
      for (const hunk of shown?.hunks ?? []) {
        const view = hunkView(hunk);
        for (const line of view.removedLines) removed.push(new vscode.Range(line, 0, line, 0));
        for (const ghost of view.ghosts) {
          const end = editor.document.lineAt(Math.min(ghost.line, editor.document.lineCount - 1)).range.end;
          added.push({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: ghost.text } } });
        }
      }
      editor.setDecorations(this.removed, removed);
      editor.setDecorations(this.added, added);
    }
  }

  /** The file under review that `document` is, with its hunks, when its text is the one they are positioned in. */
  private shownIn(document: vscode.TextDocument): { file: ReviewedFile; hunks: Hunk[] } | undefined {
    const file = this.state()?.files.find((f) => f.uri.toString() === document.uri.toString());
    if (!file || document.getText() !== file.known) return undefined;
    return { file, hunks: hunksOf(file.known, file.target) };
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const state = this.state();
    const shown = this.shownIn(document);
    if (!state || !shown?.hunks.length) return [];
    const { header, files } = state;
    const uri = document.uri.toString();
    const total = files.reduce((n, f) => n + hunksOf(f.known, f.target).length, 0);
    const lens = (line: number, title: string, command: string, args: unknown[] = [], tooltip?: string) =>
      new vscode.CodeLens(new vscode.Range(line, 0, line, 0), { title, command, arguments: args, tooltip });
    const first = hunkView(shown.hunks[0]!).lensLine;
    const others = files
      .filter((f) => f !== shown.file && f.known !== f.target)
      .map((f) => path.posix.basename(f.path));
    const lenses = [
      lens(first, header.title, 'selfRepair.showExplanation', [], 'Show the whole explanation and the earlier turns'),
      lens(first, `$(check) ${total > 1 ? 'Accept All' : 'Accept'}`, 'selfRepair.acceptCandidate'),
      lens(first, `$(close) ${total > 1 ? 'Reject All' : 'Reject'}`, 'selfRepair.rejectCandidate'),
      lens(first, 'Open Diff', 'selfRepair.openCandidateDiff'),
      ...(header.hasNext ? [lens(first, 'Next Candidate', 'selfRepair.nextCandidate')] : []),
      ...(others.length ? [lens(first, `also changes ${others.join(', ')}`, 'selfRepair.showCandidateFiles')] : []),
    ];
    if (total > 1) {
      shown.hunks.forEach((hunk, i) => {
        const line = hunkView(hunk).lensLine;
        const which = `${i + 1}/${shown.hunks.length}`;
        lenses.push(lens(line, `Accept Change ${which}`, 'selfRepair.acceptChange', [uri, hunk.start]));
        lenses.push(lens(line, `Reject Change ${which}`, 'selfRepair.rejectChange', [uri, hunk.start]));
      });
    }
    // Below the first change: why the candidate changes it.
    const below = Math.min(shown.hunks[0]!.start + shown.hunks[0]!.removed.length, document.lineCount - 1);
    lenses.push(lens(below, header.why, 'selfRepair.showExplanation', [], 'Show the whole explanation'));
    return lenses;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const state = this.state();
    const shown = this.shownIn(document);
    const hunk = shown?.hunks.find((h) => {
      const view = hunkView(h);
      return view.removedLines.includes(position.line) || view.ghosts.some((g) => g.line === position.line);
    });
    if (!state || !hunk) return undefined;
    const args = encodeURIComponent(JSON.stringify([document.uri.toString(), hunk.start]));
    const fence = /```/.test(hunkDiff(hunk)) ? '~~~~' : '```';
    const markdown = new vscode.MarkdownString(
      [
        `**${state.header.title}** · ${state.header.facts}`,
        '',
        state.header.explanation.trim() || '_The model gave no explanation._',
        '',
        `${fence}diff`,
        hunkDiff(hunk),
        fence,
        '',
        `[Accept this change](command:selfRepair.acceptChange?${args}) · [Reject this change](command:selfRepair.rejectChange?${args}) · ` +
          '[Open Diff](command:selfRepair.openCandidateDiff) · [Explanation and earlier turns](command:selfRepair.showExplanation)',
      ].join('\n'),
    );
    markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
    return new vscode.Hover(markdown);
  }
}
