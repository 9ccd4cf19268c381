import type * as vscode from 'vscode';
import { fileUri } from '../workspace';
import type { TestDiscovery } from './discovery';
import type { TestFileParser } from './parse';
import type { ItemData, TestTree } from './tree';

/** What commands ask of the Test Explorer: what an item stands for, and the item of a test id. */
export class TestLookups {
  constructor(
    private readonly tree: TestTree,
    private readonly discovery: TestDiscovery,
    private readonly parser: TestFileParser,
  ) {}

  /** The folder, file and test id of an item a command was invoked on; undefined for an item not ours. */
  itemData(item: vscode.TestItem): ItemData | undefined {
    return this.tree.dataOf(item);
  }

  /** The item of an engine test id (`<file>::…` or `<file> > …`), its file parsed first. */
  async findItem(folder: vscode.WorkspaceFolder, testId: string): Promise<vscode.TestItem | undefined> {
    await this.discovery.discover();
    const fileOf = testId.split(/::| > /)[0]!;
    const fileItem = this.tree.fileItem(fileUri(folder, fileOf));
    if (!fileItem) return undefined;
    await this.parser.resolveWithin(fileItem);
    return this.tree.find(fileItem, folder, testId);
  }
}
