import * as vscode from 'vscode';
import { chooseFramework, type FrameworkAdapter, runTestsOnce, type TestRunOnce } from '../core';
import type { RepairSettings } from './logic/settings';

/** The framework of a folder as the engine decides it (the testCommand setting first, then the files). */
export async function frameworkOf(folder: vscode.WorkspaceFolder, settings: RepairSettings): Promise<FrameworkAdapter> {
  return chooseFramework(folder.uri.fsPath, settings.testCommand);
}

export type ProjectRun = TestRunOnce;

/** Runs a folder's tests once, the way a repair does: in a throw-away copy, in its own process group. */
export async function runProjectTests(
  folder: vscode.WorkspaceFolder,
  settings: RepairSettings,
  signal: AbortSignal,
): Promise<ProjectRun> {
  return runTestsOnce({
    projectRoot: folder.uri.fsPath,
    testCommand: settings.testCommand,
    timeoutMs: settings.timeoutMs,
    signal,
  });
}

/** An AbortSignal that follows a CancellationToken. */
export function abortOn(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => void listener.dispose() };
}
