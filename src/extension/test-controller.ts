import path from 'node:path';
import * as vscode from 'vscode';
import { findTestDefinitions, languageForFile, type TestDefinition } from '../core/syntax';
import type { FrameworkAdapter } from '../core/testing';
import type { StackFrame, TestCaseResult, TestReport } from '../core/testing/types';
import { Disposable } from './disposable';
import type { FailureStore } from './failures';
import type { Log } from './log';
import { CONTROLLER_ID, FAILURE_MESSAGE_CONTEXT } from './logic/ids';
import { MESSAGES } from './logic/messages';
import { baseTestId, testIdFor } from './logic/test-ids';
import { abortOn, frameworkOf, runProjectTests } from './project-tests';
import { readSettings } from './settings';
import { currentText, fileUri, relativePath, saveFolderDocuments } from './workspace';

/** What the controller knows about one of its items. */
export interface ItemData {
  folder: vscode.WorkspaceFolder;
  /** Project-relative test file. */
  file: string;
  /** The engine's id of the test or suite; undefined for a file item. */
  testId?: string;
  framework: string;
}

const SOURCE_GLOB = '**/*.{py,js,mjs,cjs,jsx,ts,mts,cts,tsx}';
const EXCLUDE_GLOB = '**/{node_modules,.venv,venv,.git,__pycache__,.pytest_cache,.tox,dist,out,build}/**';

type StackFrameConstructor = new (label: string, uri?: vscode.Uri, position?: vscode.Position) => unknown;

/**
 * The Test Explorer side: pytest and node --test tests found by tree-sitter in the files the
 * framework adapters call test files, run through the engine in a sandboxed copy.
 */
export class SelfRepairTests extends Disposable {
  readonly controller: vscode.TestController;
  private readonly data = new WeakMap<vscode.TestItem, ItemData>();
  /** File items by file URI. */
  private readonly files = new Map<string, vscode.TestItem>();
  private readonly resolving = new Map<vscode.TestItem, Promise<void>>();
  private readonly pendingParse = new Map<string, NodeJS.Timeout>();
  private discovery: Promise<void> | undefined;

  constructor(
    private readonly failures: FailureStore,
    private readonly log: Log,
  ) {
    super();
    this.controller = this._register(vscode.tests.createTestController(CONTROLLER_ID, 'Self-repair'));
    this.controller.resolveHandler = (item) => (item ? this.resolveFile(item) : this.discover());
    this.controller.refreshHandler = () => this.discover(true);
    this._register(
      this.controller.createRunProfile(
        'Run in a sandbox copy',
        vscode.TestRunProfileKind.Run,
        (request, token) => this.run(request, token),
        true,
      ),
    );

    const watcher = this._register(vscode.workspace.createFileSystemWatcher(SOURCE_GLOB));
    this._register(watcher.onDidCreate((uri) => void this.fileChanged(uri)));
    this._register(watcher.onDidChange((uri) => void this.fileChanged(uri)));
    this._register(watcher.onDidDelete((uri) => this.fileDeleted(uri)));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.documentEdited(e.document)));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.discover(true)));
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('selfRepair.testCommand')) void this.discover(true);
      }),
    );
    this._register({ dispose: () => this.pendingParse.forEach((timer) => clearTimeout(timer)) });
  }

  itemData(item: vscode.TestItem): ItemData | undefined {
    return this.data.get(item);
  }

  /** Finds test files in every folder; `again` forgets what was found before. */
  discover(again = false): Promise<void> {
    if (!this.discovery || again) this.discovery = this.discoverNow();
    return this.discovery;
  }

  private async discoverNow(): Promise<void> {
    const seen = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const adapter = await this.adapterFor(folder);
      if (!adapter) continue;
      const uris = await vscode.workspace.findFiles(
        new vscode.RelativePattern(folder, SOURCE_GLOB),
        EXCLUDE_GLOB,
        10_000,
      );
      for (const uri of uris) {
        if (this.fileItem(folder, adapter, uri)) seen.add(uri.toString());
      }
    }
    for (const [key, item] of this.files) {
      if (seen.has(key)) continue;
      this.files.delete(key);
      this.controller.items.delete(item.id);
    }
  }

  private async adapterFor(folder: vscode.WorkspaceFolder): Promise<FrameworkAdapter | undefined> {
    try {
      return await frameworkOf(folder, readSettings(folder.uri));
    } catch {
      // No framework recognized: this folder simply has no tests to show.
      return undefined;
    }
  }

  /** The file's item, made when the adapter calls it a test file of a language it runs. */
  private fileItem(
    folder: vscode.WorkspaceFolder,
    adapter: FrameworkAdapter,
    uri: vscode.Uri,
  ): vscode.TestItem | undefined {
    const existing = this.files.get(uri.toString());
    if (existing) return existing;
    const rel = relativePath(folder, uri);
    const lang = rel ? languageForFile(rel) : undefined;
    if (!rel || !lang || (lang === 'python') !== (adapter.id === 'pytest') || !adapter.isTestFile(rel))
      return undefined;
    const several = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    const item = this.controller.createTestItem(
      `${folder.uri.toString()}|${rel}`,
      several ? `${folder.name}/${rel}` : rel,
      uri,
    );
    item.canResolveChildren = true;
    this.data.set(item, { folder, file: rel, framework: adapter.id });
    this.files.set(uri.toString(), item);
    this.controller.items.add(item);
    return item;
  }

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

  /** Rebuilds a file item's children from the file's text. */
  private async parseInto(fileItem: vscode.TestItem, text: string): Promise<void> {
    const data = this.data.get(fileItem);
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
    const lines = lineStarts(text);
    const top: vscode.TestItem[] = [];
    const suites: Array<{ definition: TestDefinition; item: vscode.TestItem; children: vscode.TestItem[] }> = [];
    const ids = new Set<string>();
    for (const definition of definitions) {
      const testId = testIdFor(data.framework, data.file, definition.fullName);
      const id = `${data.folder.uri.toString()}|${testId}`;
      if (ids.has(id)) continue; // Same name twice: the framework reports them as one id too.
      ids.add(id);
      const item = this.controller.createTestItem(id, definition.name, fileItem.uri);
      item.range = new vscode.Range(
        position(lines, definition.range.startIndex),
        position(lines, definition.range.endIndex),
      );
      item.sortText = String(definition.range.startLine).padStart(8, '0');
      this.data.set(item, { ...data, testId });
      const parent = suites
        .filter(
          (s) =>
            s.definition.range.startIndex <= definition.range.startIndex &&
            definition.range.endIndex <= s.definition.range.endIndex,
        )
        .pop();
      (parent ? parent.children : top).push(item);
      if (definition.kind === 'suite') suites.push({ definition, item, children: [] });
    }
    for (const suite of suites) suite.item.children.replace(suite.children);
    fileItem.children.replace(top);
  }

  private async fileChanged(uri: vscode.Uri): Promise<void> {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const adapter = await this.adapterFor(folder);
    const item = adapter && this.fileItem(folder, adapter, uri);
    // Only files someone has looked into are parsed again; the rest stay lazy.
    if (item && item.children.size > 0) await this.resolveFile(item);
  }

  private fileDeleted(uri: vscode.Uri): void {
    const item = this.files.get(uri.toString());
    if (!item) return;
    this.files.delete(uri.toString());
    this.controller.items.delete(item.id);
  }

  private documentEdited(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const item = this.files.get(key);
    if (!item || item.children.size === 0) return;
    clearTimeout(this.pendingParse.get(key));
    this.pendingParse.set(
      key,
      setTimeout(() => {
        this.pendingParse.delete(key);
        void this.parseInto(item, document.getText());
      }, 300),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Runs

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    await this.discover();
    const run = this.controller.createTestRun(request);
    try {
      const roots = request.include?.length ? [...request.include] : [...this.files.values()];
      if (!vscode.workspace.isTrusted) {
        for (const item of roots) run.errored(item, new vscode.TestMessage(MESSAGES.untrusted));
        void vscode.window.showWarningMessage(MESSAGES.untrusted);
        return;
      }
      const excluded = new Set(request.exclude ?? []);
      const byFolder = new Map<string, { folder: vscode.WorkspaceFolder; items: vscode.TestItem[] }>();
      for (const item of roots) {
        const data = this.data.get(item);
        if (!data || excluded.has(item)) continue;
        const key = data.folder.uri.toString();
        const group = byFolder.get(key) ?? { folder: data.folder, items: [] };
        group.items.push(item);
        byFolder.set(key, group);
      }
      for (const { folder, items } of byFolder.values()) {
        if (token.isCancellationRequested) break;
        await this.runFolder(run, folder, items, excluded, token);
      }
    } finally {
      run.end();
    }
  }

  private async runFolder(
    run: vscode.TestRun,
    folder: vscode.WorkspaceFolder,
    roots: vscode.TestItem[],
    excluded: Set<vscode.TestItem>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    await Promise.all(roots.map((item) => this.resolveWithin(item)));
    const scope = new Set<vscode.TestItem>();
    const collect = (item: vscode.TestItem): void => {
      if (excluded.has(item)) return;
      scope.add(item);
      item.children.forEach(collect);
    };
    roots.forEach(collect);
    const leaves = [...scope].filter((item) => item.children.size === 0 && this.data.get(item)?.testId);
    leaves.forEach((item) => run.started(item));

    await saveFolderDocuments(folder);
    const abort = abortOn(token);
    try {
      const settings = readSettings(folder.uri);
      const { report, command } = await runProjectTests(folder, settings, abort.signal);
      this.log.info(
        `Test Explorer run in ${folder.name} (${report.framework}): ${command} — ${report.counts.passed} passed, ${report.counts.failed + report.counts.errored} failed`,
      );
      const reported = await this.report(run, folder, report, scope);
      for (const item of leaves) if (!reported.has(item)) run.skipped(item);
      if (!abort.signal.aborted) this.failures.update(folder, report);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      this.log.error(`Test Explorer run in ${folder.name} failed: ${message}`);
      for (const item of roots) run.errored(item, new vscode.TestMessage(message));
    } finally {
      abort.dispose();
    }
  }

  /** A file item and everything under it, parsed. */
  private async resolveWithin(item: vscode.TestItem): Promise<void> {
    const data = this.data.get(item);
    if (data && !data.testId && item.children.size === 0) await this.resolveFile(item);
  }

  /**
   * Shows a report on the items: results outside `scope` (tests that ran but were not asked for) are
   * left out. Returns the items that got a result.
   */
  private async report(
    run: vscode.TestRun,
    folder: vscode.WorkspaceFolder,
    report: TestReport,
    scope?: Set<vscode.TestItem>,
  ): Promise<Set<vscode.TestItem>> {
    const output = report.output.trim();
    if (output) run.appendOutput(`${output.replace(/\r?\n/g, '\r\n')}\r\n`);
    const reported = new Set<vscode.TestItem>();
    if (report.runError && report.tests.length === 0) {
      const items = scope
        ? [...scope].filter((item) => this.data.get(item)?.testId)
        : [...this.files.values()].filter((item) => sameFolder(this.data.get(item)?.folder, folder));
      for (const item of items) run.errored(item, new vscode.TestMessage(report.runError));
      return reported;
    }
    const index = await this.indexFolder(folder, report);
    for (const result of report.tests) {
      const item = this.itemFor(folder, report.framework, result, index);
      if (!item || (scope && !scope.has(item))) continue;
      reported.add(item);
      switch (result.status) {
        case 'passed':
          run.passed(item, result.durationMs);
          break;
        case 'skipped':
          run.skipped(item);
          break;
        case 'failed':
          run.failed(item, this.messages(folder, result, item), result.durationMs);
          break;
        case 'errored':
          run.errored(item, this.messages(folder, result, item), result.durationMs);
          break;
      }
    }
    return reported;
  }

  /** Every test item of the folder by the engine's test id, the files the report names parsed first. */
  private async indexFolder(folder: vscode.WorkspaceFolder, report: TestReport): Promise<Map<string, vscode.TestItem>> {
    const files = new Set(report.tests.map((t) => t.file).filter((f): f is string => !!f));
    await Promise.all(
      [...files].map((file) => {
        const item = this.files.get(fileUri(folder, file).toString());
        return item ? this.resolveWithin(item) : undefined;
      }),
    );
    const index = new Map<string, vscode.TestItem>();
    const walk = (item: vscode.TestItem): void => {
      const data = this.data.get(item);
      if (!data || !sameFolder(data.folder, folder)) return;
      index.set(data.testId ?? data.file, item);
      item.children.forEach(walk);
    };
    this.controller.items.forEach(walk);
    return index;
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
    const item = this.controller.createTestItem(`${folder.uri.toString()}|${result.id}`, result.name, fileItem.uri);
    if (result.line) item.range = new vscode.Range(result.line - 1, 0, result.line - 1, 0);
    this.data.set(item, { folder, file: result.file, testId: result.id, framework });
    fileItem.children.add(item);
    index.set(result.id, item);
    return item;
  }

  private messages(
    folder: vscode.WorkspaceFolder,
    result: TestCaseResult,
    item: vscode.TestItem,
  ): vscode.TestMessage[] {
    const summary = result.message ?? result.details ?? result.status;
    const message =
      result.expected !== undefined && result.actual !== undefined
        ? vscode.TestMessage.diff(summary, result.expected, result.actual)
        : new vscode.TestMessage(result.details ?? summary);
    message.contextValue = FAILURE_MESSAGE_CONTEXT;
    const frame = result.frames.find((f) => f.inProject && f.file === result.file);
    if (frame)
      message.location = new vscode.Location(
        fileUri(folder, frame.file),
        new vscode.Position(frame.line - 1, Math.max(0, (frame.column ?? 1) - 1)),
      );
    else if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range.start);
    // TestMessageStackFrame arrived in VS Code 1.93; on older versions the trace stays in the message text.
    const StackFrame = (vscode as unknown as { TestMessageStackFrame?: StackFrameConstructor }).TestMessageStackFrame;
    if (StackFrame && result.frames.length) {
      (message as { stackTrace?: unknown[] }).stackTrace = result.frames.map((f) => stackFrame(StackFrame, folder, f));
    }
    return [message];
  }

  /** A repair's own test runs (its baseline) shown in the Test Explorer like any run. */
  async showReport(folder: vscode.WorkspaceFolder, report: TestReport, name: string): Promise<void> {
    await this.discover();
    const run = this.controller.createTestRun(new vscode.TestRunRequest(), name, false);
    try {
      await this.report(run, folder, report);
    } finally {
      run.end();
    }
  }

  /** Marks the folder's results as outdated (the code changed in a way no run has seen). */
  invalidate(folder: vscode.WorkspaceFolder): void {
    const items = [...this.files.values()].filter((item) => sameFolder(this.data.get(item)?.folder, folder));
    if (items.length) this.controller.invalidateTestResults(items);
  }

  /** Item ids are `<folder uri>|<engine test id>`: the item for a test id from a command argument. */
  async findItem(folder: vscode.WorkspaceFolder, testId: string): Promise<vscode.TestItem | undefined> {
    await this.discover();
    const fileOf = testId.split(/::| > /)[0]!;
    const fileItem = this.files.get(fileUri(folder, fileOf).toString());
    if (fileItem) await this.resolveWithin(fileItem);
    let found: vscode.TestItem | undefined;
    const walk = (item: vscode.TestItem): void => {
      if (found) return;
      if (this.data.get(item)?.testId === testId && sameFolder(this.data.get(item)?.folder, folder)) found = item;
      else item.children.forEach(walk);
    };
    if (fileItem) walk(fileItem);
    return found;
  }
}

function stackFrame(Ctor: StackFrameConstructor, folder: vscode.WorkspaceFolder, frame: StackFrame): unknown {
  const uri = frame.inProject
    ? fileUri(folder, frame.file)
    : path.isAbsolute(frame.file)
      ? vscode.Uri.file(frame.file)
      : undefined;
  const label = frame.functionName
    ? `${frame.functionName} (${frame.file}:${frame.line})`
    : `${frame.file}:${frame.line}`;
  return new Ctor(
    label,
    uri,
    uri ? new vscode.Position(frame.line - 1, Math.max(0, (frame.column ?? 1) - 1)) : undefined,
  );
}

function sameFolder(a: vscode.WorkspaceFolder | undefined, b: vscode.WorkspaceFolder): boolean {
  return a?.uri.toString() === b.uri.toString();
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: number[], offset: number): vscode.Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return new vscode.Position(low, offset - starts[low]!);
}
