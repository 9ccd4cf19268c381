import * as vscode from 'vscode';
import type { FailureStore } from '../failures';
import type { Log } from '../log';
import { MESSAGES } from '../logic/messages';
import { reportForFolder } from '../logic/project-paths';
import { abortOn, type FolderProject, ProjectCache, runProjectTests, wholeFolder } from '../project-tests';
import { readSettings } from '../settings';
import { saveFolderDocuments } from '../workspace';
import type { TestDiscovery } from './discovery';
import type { TestFileParser } from './parse';
import type { TestReports } from './reports';
import type { TestTree } from './tree';

/** What a run asked for in one project (a workspace folder, or a package of a monorepo inside one). */
interface ProjectRunRequest {
  project: FolderProject;
  /** The items the request named (or every file item), this project's. */
  roots: vscode.TestItem[];
  excluded: ReadonlySet<vscode.TestItem>;
}

/**
 * The Test Explorer's run profile: the tests of each project the request touches run once through
 * the engine, in a sandboxed copy, and the report goes onto the items asked for.
 */
export class TestRuns {
  constructor(
    private readonly tree: TestTree,
    private readonly discovery: TestDiscovery,
    private readonly parser: TestFileParser,
    private readonly reports: TestReports,
    private readonly failures: FailureStore,
    private readonly log: Log,
  ) {}

  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    await this.discovery.discover();
    const run = this.tree.controller.createTestRun(request);
    try {
      const roots = request.include?.length ? [...request.include] : this.tree.fileItems();
      if (!vscode.workspace.isTrusted) {
        for (const item of roots) run.errored(item, new vscode.TestMessage(MESSAGES.untrusted));
        void vscode.window.showWarningMessage(MESSAGES.untrusted);
        return;
      }
      for (const projectRun of await this.byProject(roots, new Set(request.exclude ?? []))) {
        if (token.isCancellationRequested) break;
        await this.runProject(run, projectRun, token);
      }
    } finally {
      run.end();
    }
  }

  /** The items grouped by the project their file belongs to. */
  private async byProject(
    roots: readonly vscode.TestItem[],
    excluded: ReadonlySet<vscode.TestItem>,
  ): Promise<ProjectRunRequest[]> {
    const projects = new ProjectCache((folder) => readSettings(folder.uri));
    const byRoot = new Map<string, ProjectRunRequest>();
    for (const item of roots) {
      const data = this.tree.dataOf(item);
      if (!data || excluded.has(item)) continue;
      const project = item.uri ? await projects.projectOf(data.folder, item.uri) : wholeFolder(data.folder);
      const key = `${data.folder.uri.toString()}|${project.root}`;
      const group = byRoot.get(key) ?? { project, roots: [], excluded };
      group.roots.push(item);
      byRoot.set(key, group);
    }
    return [...byRoot.values()];
  }

  private async runProject(
    run: vscode.TestRun,
    { project, roots, excluded }: ProjectRunRequest,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const { folder } = project;
    const name = project.place ? `${folder.name}/${project.place}` : folder.name;
    const scope = await this.scopeOf(roots, excluded);
    const leaves = [...scope].filter((item) => item.children.size === 0 && this.tree.dataOf(item)?.testId);
    leaves.forEach((item) => run.started(item));

    await saveFolderDocuments(folder);
    const abort = abortOn(token);
    try {
      const { report, command } = await runProjectTests(project, readSettings(folder.uri), abort.signal);
      this.log.info(
        `Test Explorer run in ${name} (${report.framework}): ${command} — ${report.counts.passed} passed, ${report.counts.failed + report.counts.errored} failed`,
      );
      const reported = await this.reports.report(run, folder, reportForFolder(report, project.place), scope);
      for (const item of leaves) if (!reported.has(item)) run.skipped(item);
      if (!abort.signal.aborted) this.failures.update(project, report);
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      this.log.error(`Test Explorer run in ${name} failed: ${message}`);
      for (const item of roots) run.errored(item, new vscode.TestMessage(message));
    } finally {
      abort.dispose();
    }
  }

  /** The roots and everything under them (their files parsed first), less what the request excluded. */
  private async scopeOf(
    roots: readonly vscode.TestItem[],
    excluded: ReadonlySet<vscode.TestItem>,
  ): Promise<Set<vscode.TestItem>> {
    await Promise.all(roots.map((item) => this.parser.resolveWithin(item)));
    const scope = new Set<vscode.TestItem>();
    const collect = (item: vscode.TestItem): void => {
      if (excluded.has(item)) return;
      scope.add(item);
      item.children.forEach(collect);
    };
    roots.forEach(collect);
    return scope;
  }
}
