import type * as vscode from 'vscode';
import { configureTreeSitter } from './grammars';
import { SelfRepair } from './self-repair';

export function activate(context: vscode.ExtensionContext): void {
  configureTreeSitter(context);
  context.subscriptions.push(new SelfRepair(context));
}

export function deactivate(): void {}
