import * as vscode from 'vscode';
import { isFailing, type TestReport } from '../core';
import { Disposable } from './disposable';
import { reportForFolder, toFolderPath } from './logic/project-paths';
import { failureReason } from './logic/reason';
import type { FolderProject } from './project-tests';
import { relativePath } from './workspace';

export interface KnownFailure {
  /** The engine's test id as the folder sees it, e.g. `tests/test_core.py::test_mean` (`py/tests/...` in a monorepo). */
  id: string;
  name: string;
  /** Folder-relative test file; empty when the report does not say. */
  file: string;
  /** The framework that reported it (a folder's projects may use different ones). */
  framework: string;
  /** One line, for the code lens. */
  reason: string;
  /** The whole first message, for tooltips. */
  message: string;
}

/**
 * The failing tests of each folder as its latest run saw them (a Test Explorer run, or a repair's
 * baseline): the code lenses read from here, and change when it does.
 */
export class FailureStore extends Disposable {
  private readonly folders = new Map<string, { framework: string; failures: KnownFailure[] }>();
  private readonly changed = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  /**
   * A run's report replaces what was known about its project (the engine always runs all of its
   * tests); the failures of the folder's other projects stay.
   */
  update(project: FolderProject, projectReport: TestReport): void {
    const { folder, place } = project;
    const report = reportForFolder(projectReport, place);
    const failures = report.tests
      // A go test that panicked may name no file: its id still finds its definition.
      .filter(isFailing)
      .map((t) => ({
        id: t.id,
        name: t.name,
        file: t.file ?? '',
        framework: report.framework,
        reason: failureReason(t),
        message: t.message ?? t.details ?? t.status,
      }));
    const key = folder.uri.toString();
    const inOtherProjects = place
      ? (this.folders.get(key)?.failures ?? []).filter((f) => !f.file.startsWith(toFolderPath(place, '')))
      : [];
    this.folders.set(key, { framework: report.framework, failures: [...inOtherProjects, ...failures] });
    this.changed.fire();
  }

  clear(folder: vscode.WorkspaceFolder): void {
    if (this.folders.delete(folder.uri.toString())) this.changed.fire();
  }

  inFolder(folder: vscode.WorkspaceFolder): { framework: string; failures: KnownFailure[] } | undefined {
    return this.folders.get(folder.uri.toString());
  }

  inFile(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; framework: string; failures: KnownFailure[] } | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    const known = folder && this.inFolder(folder);
    const rel = folder && relativePath(folder, uri);
    if (!known || !rel) return undefined;
    const failures = known.failures.filter((f) => f.file === rel);
    return failures.length ? { folder: folder!, framework: failures[0]!.framework, failures } : undefined;
  }
}
