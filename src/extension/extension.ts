import type * as vscode from 'vscode';
import { killAllRuns, removeOwnCopiesSync } from '../core';
import { configureTreeSitter } from './grammars';
import { SelfRepair } from './self-repair';

export function activate(context: vscode.ExtensionContext): void {
  configureTreeSitter(context);
  context.subscriptions.push(new SelfRepair(context));
}

/** The host may exit right after this: end the test runs and remove the copies now, not when they settle. */
export function deactivate(): void {
  killAllRuns();
  removeOwnCopiesSync();
}
