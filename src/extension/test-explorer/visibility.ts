import * as vscode from 'vscode';
import type { Log } from '../log';
import { treeDecision } from '../logic/test-extensions';
import { readSettings } from '../settings';

/**
 * Which folders our tree shows (`selfRepair.testExplorer`): not those whose tests another installed
 * extension already shows, unless asked to. The log says once per folder and reason why one is left out.
 */
export class TreeVisibility {
  private readonly said = new Set<string>();

  constructor(private readonly log: Log) {}

  /** `framework`: an adapter's id, which is also the framework a report names. */
  shows(folder: vscode.WorkspaceFolder, framework: string): boolean {
    const mode = readSettings(folder.uri).testExplorer;
    const decision = treeDecision(mode, framework, (id) => vscode.extensions.getExtension(id) !== undefined);
    if (decision.show) return true;
    const line = `Test Explorer: the tests of ${folder.name} are not shown here: ${decision.reason}.`;
    if (!this.said.has(line)) {
      this.said.add(line);
      this.log.info(line);
    }
    return false;
  }
}
