import * as vscode from 'vscode';
import { findTestDefinitions, languageForFile, type TestDefinition } from '../../core';
import { LineIndex, nestDefinitions, type TestNode } from '../logic/test-tree';
import { projectOf } from '../project-tests';
import { readSettings } from '../settings';
import { currentText } from '../workspace';
import type { ItemData, TestTree } from './tree';

/** Fills file items with the tests and suites tree-sitter finds in their text. */
export class TestFileParser {
  private readonly resolving = new Map<vscode.TestItem, Promise<void>>();

  constructor(private readonly tree: TestTree) {}

  /** Parses a file item from its current text (unsaved edits included); one parse at a time per item. */
  resolveFile(item: vscode.TestItem): Promise<void> {
    let pending = this.resolving.get(item);
    if (!pending) {
      pending = (async () => {
        const text = item.uri ? await currentText(item.uri).catch(() => undefined) : undefined;
        if (text !== undefined) await this.parseInto(item, text);
      })().finally(() => this.resolving.delete(item));
      this.resolving.set(item, pending);
    }
    return pending;
  }

  /** A file item and everything under it, parsed (nothing to do for a test or an already parsed file). */
  async resolveWithin(item: vscode.TestItem): Promise<void> {
    const data = this.tree.dataOf(item);
    if (data && !data.testId && item.children.size === 0) await this.resolveFile(item);
  }

  /** Rebuilds a file item's children from the file's text. */
  async parseInto(fileItem: vscode.TestItem, text: string): Promise<void> {
    const data = this.tree.dataOf(fileItem);
    const lang = data && languageForFile(data.file);
    if (!data || !lang || !fileItem.uri) return;
    let definitions: TestDefinition[];
    try {
      definitions = await findTestDefinitions(text, data.file, lang);
      fileItem.error = undefined;
    } catch (error) {
      fileItem.error = `could not read the tests: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    const lines = new LineIndex(text);
    const uri = fileItem.uri;
    const project = await projectOf(data.folder, uri, readSettings(data.folder.uri));
    fileItem.children.replace(
      nestDefinitions(definitions, data.framework, project, data.file).map((node) =>
        this.itemOf(node, data, uri, lines),
      ),
    );
  }

  private itemOf(node: TestNode, file: ItemData, uri: vscode.Uri, lines: LineIndex): vscode.TestItem {
    const { definition } = node;
    const item = this.tree.createItem({ ...file, testId: node.testId }, definition.name, uri);
    const start = lines.at(definition.range.startIndex);
    const end = lines.at(definition.range.endIndex);
    item.range = new vscode.Range(start.line, start.character, end.line, end.character);
    item.sortText = String(definition.range.startLine).padStart(8, '0');
    if (definition.kind === 'suite')
      item.children.replace(node.children.map((child) => this.itemOf(child, file, uri, lines)));
    return item;
  }
}
