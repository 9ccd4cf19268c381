import path from 'node:path';
import * as vscode from 'vscode';
import {
  chooseFramework,
  findProjectRoot,
  type FrameworkAdapter,
  type HeldBaseline,
  listProjectRoots,
  runTestsOnce,
  type TestRunOnce,
} from '../core';
import { placeInFolder } from './logic/project-paths';
import type { RepairSettings } from './logic/settings';

/** One project inside a workspace folder: the folder itself, or a package of a monorepo. */
export interface FolderProject {
  folder: vscode.WorkspaceFolder;
  /** Absolute path of the project root. */
  root: string;
  /** The root's POSIX path inside the folder, '' for the folder itself. */
  place: string;
}

/** The folder itself as its only project. */
export function wholeFolder(folder: vscode.WorkspaceFolder): FolderProject {
  return { folder, root: folder.uri.fsPath, place: '' };
}

/**
 * The project a file (or folder) belongs to: with `selfRepair.testCommand` set, the workspace folder
 * (the command is the user's, run where they said); else the nearest folder at or above it, inside the
 * workspace folder, that a framework's configuration claims; else the workspace folder.
 */
export async function projectOf(
  folder: vscode.WorkspaceFolder,
  uri: vscode.Uri | undefined,
  settings: RepairSettings,
): Promise<FolderProject> {
  if (settings.testCommand || !uri || uri.scheme !== 'file') return wholeFolder(folder);
  const found = await findProjectRoot(uri.fsPath, folder.uri.fsPath).catch(() => undefined);
  const place = found && placeInFolder(folder.uri.fsPath, found.root);
  return found && place !== undefined ? { folder, root: found.root, place } : wholeFolder(folder);
}

/**
 * The file's project; when that is merely the folder and the folder has no framework of its own but
 * projects below it (the top of a monorepo), the one the user picks, or undefined when they pick none.
 */
export async function projectOrPick(
  folder: vscode.WorkspaceFolder,
  uri: vscode.Uri | undefined,
  settings: RepairSettings,
): Promise<FolderProject | undefined> {
  const project = await projectOf(folder, uri, settings);
  if (project.place || settings.testCommand) return project;
  if (await frameworkOf(project, settings).then(Boolean, () => false)) return project;
  const below = await listProjectRoots(folder.uri.fsPath);
  // Nothing to pick from: the repair says that no framework was recognized.
  if (!below.length) return project;
  const items = below.map((found) => ({
    label: placeInFolder(folder.uri.fsPath, found.root) || folder.name,
    description: found.adapter.label,
    root: found.root,
  }));
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: `${folder.name} has no test framework of its own: which project should Self-repair work on?`,
  });
  return picked && { folder, root: picked.root, place: placeInFolder(folder.uri.fsPath, picked.root) ?? '' };
}

/**
 * Project roots by directory, for finding many files' projects at once (discovery, a run of several
 * items): files of one directory share the answer.
 */
export class ProjectCache {
  private readonly byDir = new Map<string, Promise<FolderProject>>();

  constructor(private readonly settings: (folder: vscode.WorkspaceFolder) => RepairSettings) {}

  projectOf(folder: vscode.WorkspaceFolder, file: vscode.Uri): Promise<FolderProject> {
    const dir = path.dirname(file.fsPath);
    const key = `${folder.uri.toString()}|${dir}`;
    let found = this.byDir.get(key);
    if (!found) {
      found = projectOf(folder, vscode.Uri.file(dir), this.settings(folder));
      this.byDir.set(key, found);
    }
    return found;
  }
}

/** The framework of a project as the engine decides it (the testCommand setting first, then the files). */
export async function frameworkOf(project: FolderProject, settings: RepairSettings): Promise<FrameworkAdapter> {
  return chooseFramework(project.root, settings.testCommand);
}

export type ProjectRun = TestRunOnce;

/**
 * The latest finished Test Explorer run of each project (by root), with the files' fingerprint from
 * when it ran: a repair passes it to the engine, which uses it as its baseline if nothing changed since.
 */
const heldRuns = new Map<string, HeldBaseline>();

/** Runs a project's tests once, the way a repair does: in a throw-away copy, in its own process group. */
export async function runProjectTests(
  project: FolderProject,
  settings: RepairSettings,
  signal: AbortSignal,
): Promise<ProjectRun> {
  const run = await runTestsOnce({
    projectRoot: project.root,
    testCommand: settings.testCommand,
    timeoutMs: settings.timeoutMs,
    signal,
  });
  if (signal.aborted) heldRuns.delete(project.root);
  else heldRuns.set(project.root, { ...heldBaseline(run), source: "the Test Explorer's run" });
  return run;
}

/** The project's latest Test Explorer run, if any (the engine decides whether it is still fresh). */
export function heldRunOf(project: FolderProject): HeldBaseline | undefined {
  return heldRuns.get(project.root);
}

function heldBaseline({ report, command, fingerprint, takenAt }: TestRunOnce): HeldBaseline {
  return { report, command, fingerprint, takenAt };
}

/** An AbortSignal that follows a CancellationToken. */
export function abortOn(token: vscode.CancellationToken): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort();
  const listener = token.onCancellationRequested(() => controller.abort());
  return { signal: controller.signal, dispose: () => void listener.dispose() };
}
