import * as vscode from 'vscode';
import type { TestReport } from '../core';
import { Disposable } from './disposable';
import type { FailureStore } from './failures';
import type { Log } from './log';
import { CONTROLLER_ID } from './logic/ids';
import { TestDiscovery } from './test-explorer/discovery';
import { TestLookups } from './test-explorer/lookups';
import { TestFileParser } from './test-explorer/parse';
import { TestReports } from './test-explorer/reports';
import { TestRuns } from './test-explorer/runs';
import { TestTree, type ItemData } from './test-explorer/tree';
import { TreeVisibility } from './test-explorer/visibility';

export type { ItemData } from './test-explorer/tree';

/**
 * The Test Explorer side: pytest and node --test tests found by tree-sitter in the files the
 * framework adapters call test files, run through the engine in a sandboxed copy. A folder whose
 * tests another installed extension already shows is left to it (`selfRepair.testExplorer`). Its
 * jobs live in test-explorer/: discovery and watching, parsing, runs, reports onto items, look-ups.
 */
export class SelfRepairTests extends Disposable {
  readonly controller: vscode.TestController;
  private readonly discovery: TestDiscovery;
  private readonly visibility: TreeVisibility;
  private readonly reports: TestReports;
  private readonly lookups: TestLookups;

  constructor(failures: FailureStore, log: Log) {
    super();
    this.controller = this._register(vscode.tests.createTestController(CONTROLLER_ID, 'Self-repair'));
    const tree = new TestTree(this.controller);
    const parser = new TestFileParser(tree);
    this.visibility = new TreeVisibility(log);
    this.discovery = this._register(new TestDiscovery(tree, parser, this.visibility));
    this.reports = new TestReports(tree, parser);
    this.lookups = new TestLookups(tree, this.discovery, parser);
    const runs = new TestRuns(tree, this.discovery, parser, this.reports, failures, log);

    this.controller.resolveHandler = (item) => (item ? parser.resolveFile(item) : this.discovery.discover());
    this.controller.refreshHandler = () => this.discovery.discover(true);
    this._register(
      this.controller.createRunProfile(
        'Run in a sandbox copy',
        vscode.TestRunProfileKind.Run,
        (request, token) => runs.run(request, token),
        true,
      ),
    );
  }

  /** Finds test files in every folder; `again` forgets what was found before. */
  discover(again = false): Promise<void> {
    return this.discovery.discover(again);
  }

  itemData(item: vscode.TestItem): ItemData | undefined {
    return this.lookups.itemData(item);
  }

  /** Item ids are `<folder uri>|<engine test id>`: the item for a test id from a command argument. */
  findItem(folder: vscode.WorkspaceFolder, testId: string): Promise<vscode.TestItem | undefined> {
    return this.lookups.findItem(folder, testId);
  }

  /** A repair's own test runs (its baseline) shown in the Test Explorer like any run. */
  async showReport(folder: vscode.WorkspaceFolder, report: TestReport, name: string): Promise<void> {
    await this.discovery.discover();
    // A folder another extension shows the tests of (or `never`): no second tree, no empty run.
    if (!this.visibility.shows(folder, report.framework)) return;
    const run = this.controller.createTestRun(new vscode.TestRunRequest(), name, false);
    try {
      await this.reports.report(run, folder, report);
    } finally {
      run.end();
    }
  }

  /** Marks the folder's results as outdated (the code changed in a way no run has seen). */
  invalidate(folder: vscode.WorkspaceFolder): void {
    this.reports.invalidate(folder);
  }
}
