import type * as vscode from 'vscode';

/** The VS Code layer arrives with the next issue; the engine in src/core is ready for it. */
export function activate(_context: vscode.ExtensionContext): void {}

export function deactivate(): void {}
