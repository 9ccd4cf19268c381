import * as vscode from 'vscode';
import type { TestCaseResult, TestReport } from '../../core';
import { baseTestId } from '../logic/test-ids';
import { fileUri } from '../workspace';
import type { TestFileParser } from './parse';
import { failureMessages } from './test-messages';
import type { TestTree } from './tree';

/** Puts the engine's test reports onto the items: states, durations, messages, the run's output. */
export class TestReports {
  constructor(
    private readonly tree: TestTree,
    private readonly parser: TestFileParser,
  ) {}

  /**
   * Shows a report on the items: results outside `scope` (tests that ran but were not asked for) are
   * left out. Returns the items that got a result.
   */
  async report(
    run: vscode.TestRun,
    folder: vscode.WorkspaceFolder,
    report: TestReport,
    scope?: Set<vscode.TestItem>,
  ): Promise<Set<vscode.TestItem>> {
    const output = report.output.trim();
    if (output) run.appendOutput(`${output.replace(/\r?\n/g, '\r\n')}\r\n`);
    const reported = new Set<vscode.TestItem>();
    if (report.runError && report.tests.length === 0) {
      // The run itself failed (no test reported): every test it was meant to run says why.
      const items = scope ? [...scope].filter((item) => this.tree.dataOf(item)?.testId) : this.tree.fileItems(folder);
      for (const item of items) run.errored(item, new vscode.TestMessage(report.runError));
      return reported;
    }
    const index = await this.indexFolder(folder, report);
    for (const result of report.tests) {
      const item = this.itemFor(folder, report.framework, result, index);
      if (!item || (scope && !scope.has(item))) continue;
      reported.add(item);
      showResult(run, folder, item, result);
    }
    return reported;
  }

  /** Marks the folder's results as outdated (the code changed in a way no run has seen). */
  invalidate(folder: vscode.WorkspaceFolder): void {
    const items = this.tree.fileItems(folder);
    if (items.length) this.tree.controller.invalidateTestResults(items);
  }

  /** Every test item of the folder by the engine's test id, the files the report names parsed first. */
  private async indexFolder(folder: vscode.WorkspaceFolder, report: TestReport): Promise<Map<string, vscode.TestItem>> {
    const files = new Set(report.tests.map((t) => t.file).filter((f): f is string => !!f));
    const items = [...files].flatMap((file) => this.tree.fileItem(fileUri(folder, file)) ?? []);
    await Promise.all(items.map((item) => this.parser.resolveWithin(item)));
    return this.tree.index(folder);
  }

  /** The item a result belongs to; a test tree-sitter could not see (a computed name) gets an item of its own. */
  private itemFor(
    folder: vscode.WorkspaceFolder,
    framework: string,
    result: TestCaseResult,
    index: Map<string, vscode.TestItem>,
  ): vscode.TestItem | undefined {
    const known = index.get(result.id) ?? index.get(baseTestId(result.id));
    if (known || !result.file) return known;
    const fileItem = index.get(result.file);
    if (!fileItem?.uri) return undefined;
    const item = this.tree.createItem(
      { folder, file: result.file, testId: result.id, framework },
      result.name,
      fileItem.uri,
    );
    if (result.line) item.range = new vscode.Range(result.line - 1, 0, result.line - 1, 0);
    fileItem.children.add(item);
    index.set(result.id, item);
    return item;
  }
}

function showResult(
  run: vscode.TestRun,
  folder: vscode.WorkspaceFolder,
  item: vscode.TestItem,
  result: TestCaseResult,
): void {
  switch (result.status) {
    case 'passed':
      run.passed(item, result.durationMs);
      break;
    case 'skipped':
      run.skipped(item);
      break;
    case 'failed':
      run.failed(item, failureMessages(folder, result, item), result.durationMs);
      break;
    case 'errored':
      run.errored(item, failureMessages(folder, result, item), result.durationMs);
      break;
  }
}
