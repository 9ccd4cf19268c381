import path from 'node:path';
import type * as vscode from 'vscode';
import { configureGrammars } from '../core';

/** The tree-sitter `.wasm` files ship in the extension's dist/, beside the bundle (see esbuild.mjs). */
export function configureTreeSitter(context: vscode.ExtensionContext): void {
  configureGrammars({ directory: path.join(context.extensionPath, 'dist') });
}
