import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { type EndState, type RepairProgress } from './logic/progress';

/** How long an end state (accepted, rejected, no fix, cancelled, error) stays before the item hides. */
const END_STATE_MS = 5_000;

/** The status bar during a repair: turn, candidates, tests, tokens; a Cancel item beside it. */
export class RepairStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly cancel: vscode.StatusBarItem;
  private hideTimer: NodeJS.Timeout | undefined;
  /** How the tests are isolated (`bwrap`, `seatbelt`, `none`), shown with every update. */
  isolation = '';

  constructor() {
    super();
    this.item = this._register(
      vscode.window.createStatusBarItem('selfRepair.status', vscode.StatusBarAlignment.Left, 10),
    );
    this.item.name = 'Self-repair';
    this.item.command = 'selfRepair.showLog';
    this.cancel = this._register(
      vscode.window.createStatusBarItem('selfRepair.cancel', vscode.StatusBarAlignment.Left, 9),
    );
    this.cancel.name = 'Self-repair: Cancel';
    this.cancel.text = '$(close) Cancel';
    this.cancel.tooltip = 'Cancel the running Self-repair (your files stay as they are)';
    this.cancel.command = 'selfRepair.cancel';
    this._register({ dispose: () => clearTimeout(this.hideTimer) });
  }

  show(progress: RepairProgress): void {
    clearTimeout(this.hideTimer);
    this.item.command = 'selfRepair.showLog';
    this.item.backgroundColor = undefined;
    this.render(progress);
    this.item.show();
    this.cancel.show();
  }

  render(progress: RepairProgress): void {
    const unsandboxed = this.isolation === 'none' ? ' $(unlock)' : '';
    this.item.text = `${progress.statusText()}${unsandboxed}`;
    this.item.tooltip = `${progress.tooltip()}${this.isolation ? `\nIsolation: ${this.isolation}` : ''}`;
  }

  /** The repair ended: says how for a few seconds, then hides; a review that follows replaces it at once. */
  finish(progress: RepairProgress, state: EndState): void {
    this.render(progress);
    this.cancel.hide();
    this.item.backgroundColor = state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    this.hideSoon();
  }

  /** A candidate is under review: stays until the review ends. */
  reviewing(text: string, tooltip: string): void {
    clearTimeout(this.hideTimer);
    this.item.command = 'selfRepair.showExplanation';
    this.cancel.hide();
    this.item.backgroundColor = undefined;
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  /** The review ended: says how for a few seconds, then the item hides (idle). */
  reviewEnded(text: string): void {
    this.item.command = 'selfRepair.showLog';
    this.item.text = text;
    this.item.tooltip = `${text.replace(/^\$\([\w~-]+\) /, '')}\nClick to show the log`;
    this.item.backgroundColor = undefined;
    this.item.show();
    this.hideSoon();
  }

  private hideSoon(): void {
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.item.hide(), END_STATE_MS);
  }
}
