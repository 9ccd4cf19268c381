import * as vscode from 'vscode';
import { Disposable } from './disposable';
import { type EndState, type RepairProgress } from './logic/progress';

/** How long an end state (fixed, not fixed, cancelled, error) stays before the item hides. */
const END_STATE_MS = 15_000;

/** The status bar during a repair: turn, candidates, tests, tokens; a Cancel item beside it. */
export class RepairStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly cancel: vscode.StatusBarItem;
  private hideTimer: NodeJS.Timeout | undefined;

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
    this.item.backgroundColor = undefined;
    this.render(progress);
    this.item.show();
    this.cancel.show();
  }

  render(progress: RepairProgress): void {
    this.item.text = progress.statusText();
    this.item.tooltip = progress.tooltip();
  }

  finish(progress: RepairProgress, state: EndState): void {
    this.render(progress);
    this.cancel.hide();
    this.item.backgroundColor = state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    clearTimeout(this.hideTimer);
    this.hideTimer = setTimeout(() => this.item.hide(), END_STATE_MS);
  }
}
