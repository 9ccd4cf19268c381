import * as vscode from 'vscode';
import { implementFunction } from './generate/implement';
import type { Log } from './log';
import { MESSAGES } from './logic/messages';
import type { RepairRunner } from './repair-runner';
import type { CandidateReview } from './review/review';
import type { ApiKeyStore } from './secrets';
import type { Targets } from './targets';

export interface CommandDeps {
  runner: RepairRunner;
  targets: Targets;
  review: CandidateReview;
  keys: ApiKeyStore;
  log: Log;
}

/** Every `selfRepair.*` command; package.json's `contributes.commands` lists the same ids. */
export function registerCommands({ runner, targets, review, keys, log }: CommandDeps): vscode.Disposable[] {
  const command = (id: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, run);
  const repairTest = async (arg?: unknown, line?: unknown): Promise<void> => {
    const target = await targets.forTest(arg, line);
    if (!target || 'problem' in target) {
      void vscode.window.showInformationMessage(target?.problem ?? MESSAGES.noTestHere);
      return;
    }
    await runner.run(target);
  };
  return [
    command('selfRepair.repair', async () => {
      const target = await targets.forProject();
      if (target) await runner.run(target);
    }),
    command('selfRepair.repairTest', repairTest),
    // The same, titled "Self-repair" for the Test Explorer's failed items and failure messages.
    command('selfRepair.repairFailedTest', repairTest),
    command('selfRepair.implementFunction', (arg) => implementFunction(runner, arg)),
    command('selfRepair.setApiKey', () => keys.prompt()),
    command('selfRepair.showLog', () => log.show()),
    command('selfRepair.cancel', () => runner.cancel()),
    command('selfRepair.acceptCandidate', () => review.accept()),
    command('selfRepair.rejectCandidate', () => review.reject()),
    command('selfRepair.nextCandidate', () => review.next()),
    command('selfRepair.showExplanation', () => review.showExplanation()),
    command('selfRepair.openCandidateDiff', () => review.openDiff()),
    command('selfRepair.showCandidateFiles', () => review.showFiles()),
    command('selfRepair.acceptChange', (uri, start) => review.inlineReview.acceptChange(String(uri), Number(start))),
    command('selfRepair.rejectChange', (uri, start) => review.inlineReview.rejectChange(String(uri), Number(start))),
  ];
}
