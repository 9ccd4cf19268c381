import * as vscode from 'vscode';
import type { Candidate } from '../../core';
import { candidateLabel, diffTitle } from '../logic/candidates';
import { projectFileUri } from '../workspace';
import type { CandidateContentProvider } from './content-provider';
import { reviewKey } from './content-provider';

/**
 * Opens the candidate in the diff editor (original on the left, candidate on the right); several
 * files in one multi-file diff where VS Code has it.
 */
export async function openCandidateDiff(
  content: CandidateContentProvider,
  projectRoot: string,
  review: { session: string; candidate: Candidate; position: number; count: number },
): Promise<void> {
  const { candidate, position, count } = review;
  const key = { session: review.session, candidate: candidate.id };
  const sides = candidate.changes.map((change) => ({
    change,
    file: projectFileUri(projectRoot, change.path),
    left: content.add(change.path, { ...key, side: 'original' }, change.before),
    right: content.add(change.path, { ...key, side: 'candidate' }, change.after),
  }));
  const options: vscode.TextDocumentShowOptions = { preview: false };
  if (sides.length === 1) {
    const [only] = sides;
    const title = diffTitle(only!.change.path, candidate, position, count);
    await vscode.commands.executeCommand('vscode.diff', only!.left, only!.right, title, options);
  } else if ((await vscode.commands.getCommands(true)).includes('vscode.changes')) {
    await vscode.commands.executeCommand(
      'vscode.changes',
      candidateLabel(candidate, position, count),
      sides.map((s) => [s.file, s.left, s.right]),
    );
  } else {
    for (const side of sides) {
      const title = diffTitle(side.change.path, candidate, position, count);
      await vscode.commands.executeCommand('vscode.diff', side.left, side.right, title, options);
    }
  }
}

/** Is the tab one of the review's documents: a diff of the session, its multi-file diff or its explanation? */
export function isReviewTab(tab: vscode.Tab, session: string): boolean {
  const ours = (uri: unknown): boolean => uri instanceof vscode.Uri && reviewKey(uri)?.session === session;
  const input = tab.input as {
    textDiffs?: Array<{ modified?: unknown }>;
    viewType?: string;
  };
  if (input instanceof vscode.TabInputTextDiff) return ours(input.modified);
  if (input instanceof vscode.TabInputText) return ours(input.uri);
  // The multi-file diff (vscode.changes) and the markdown preview have no typed input in VS Code 1.90.
  if (Array.isArray(input?.textDiffs)) return input.textDiffs.some((d) => ours(d.modified));
  return /markdown\.preview/.test(input?.viewType ?? '') && /Self-repair candidate \d+ of \d+\.md/.test(tab.label);
}

/** Is the tab an editor of one of these files? */
export function isFileTab(tab: vscode.Tab, files: readonly vscode.Uri[]): boolean {
  const input = tab.input;
  return input instanceof vscode.TabInputText && files.some((f) => f.toString() === input.uri.toString());
}

export function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}
