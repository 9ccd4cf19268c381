import * as vscode from 'vscode';
import { isFailing, type TestReport } from '../core';
import { Disposable } from './disposable';
import { failureReason } from './logic/reason';
import { relativePath } from './workspace';

export interface KnownFailure {
  /** The engine's test id, e.g. `tests/test_core.py::test_mean`. */
  id: string;
  name: string;
  /** Project-relative test file; empty when the report does not say. */
  file: string;
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

  /** A run's report replaces what was known about the folder: the engine always runs all of its tests. */
  update(folder: vscode.WorkspaceFolder, report: TestReport): void {
    const failures = report.tests
      // A go test that panicked may name no file: its id still finds its definition.
      .filter(isFailing)
      .map((t) => ({
        id: t.id,
        name: t.name,
        file: t.file ?? '',
        reason: failureReason(t),
        message: t.message ?? t.details ?? t.status,
      }));
    this.folders.set(folder.uri.toString(), { framework: report.framework, failures });
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
    return failures.length ? { folder: folder!, framework: known.framework, failures } : undefined;
  }
}
