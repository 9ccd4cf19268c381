import * as vscode from 'vscode';
import { createSandbox, ProcessRunner } from '../core/sandbox';
import { runTests, selectAdapter, type FrameworkAdapter } from '../core/testing';
import type { TestReport } from '../core/testing/types';
import type { RepairSettings } from './logic/settings';

/** The framework of a folder as the engine decides it (the testCommand setting first, then the files). */
export async function frameworkOf(folder: vscode.WorkspaceFolder, settings: RepairSettings): Promise<FrameworkAdapter> {
  return selectAdapter(folder.uri.fsPath, settings.testCommand);
}

export interface ProjectRun {
  report: TestReport;
  command: string;
  adapter: FrameworkAdapter;
}

/** Runs a folder's tests once, the way a repair does: in a throw-away copy, in its own process group. */
export async function runProjectTests(
  folder: vscode.WorkspaceFolder,
  settings: RepairSettings,
  signal: AbortSignal,
): Promise<ProjectRun> {
  const root = folder.uri.fsPath;
  const adapter = await frameworkOf(folder, settings);
  const command = settings.testCommand ?? (await adapter.defaultCommand(root));
  const sandbox = await createSandbox(root);
  try {
    const report = await runTests({
      runner: new ProcessRunner(),
      root: sandbox.root,
      adapter,
      command,
      timeoutMs: settings.timeoutMs,
      signal,
    });
    return { report, command, adapter };
  } finally {
    await sandbox.dispose();
  }
}

/** An AbortSignal that follows a CancellationToken. */
export function abortOn(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => listener.dispose() };
}
