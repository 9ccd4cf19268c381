import * as vscode from 'vscode';
import { OpenAIModelClient, resolveModelConfig, type ModelConfig } from '../core/model';
import { ModelError } from '../core/model/types';
import { repair } from '../core/repair';
import type { RepairEvent, RepairResult } from '../core/repair/types';
import { Disposable, setContext } from './disposable';
import type { FailureStore } from './failures';
import type { Log } from './log';
import { CONTEXT_KEYS } from './logic/ids';
import { MESSAGES } from './logic/messages';
import { endState, RepairProgress } from './logic/progress';
import type { CandidateReview } from './review/review';
import type { ApiKeyStore } from './secrets';
import { openSettings, readSettings } from './settings';
import type { RepairStatusBar } from './status-bar';
import type { SelfRepairTests } from './test-controller';
import { ensureTrusted, saveFolderDocuments } from './workspace';

export interface RepairTarget {
  folder: vscode.WorkspaceFolder;
  /** Only these test ids need to pass; all failing tests when absent. */
  focusTests?: string[];
  /** What the user asked to repair, for messages: a test's name. */
  label?: string;
}

/**
 * Runs one repair at a time: progress notification (cancellable), status bar and log fed by the
 * engine's events, then the review of the verified candidates.
 */
export class RepairRunner extends Disposable {
  private controller: AbortController | undefined;

  constructor(
    private readonly log: Log,
    private readonly statusBar: RepairStatusBar,
    private readonly keys: ApiKeyStore,
    private readonly failures: FailureStore,
    private readonly tests: SelfRepairTests,
    private readonly review: CandidateReview,
  ) {
    super();
    this._register({ dispose: () => this.controller?.abort() });
  }

  get running(): boolean {
    return !!this.controller;
  }

  cancel(): void {
    if (!this.controller) return;
    this.log.info('cancel requested');
    this.controller.abort();
  }

  async run(target: RepairTarget): Promise<RepairResult | undefined> {
    if (!ensureTrusted()) return undefined;
    if (this.controller) {
      void vscode.window.showWarningMessage(MESSAGES.alreadyRunning, 'Show Log', 'Cancel It').then((choice) => {
        if (choice === 'Show Log') this.log.show();
        if (choice === 'Cancel It') this.cancel();
      });
      return undefined;
    }
    const { folder } = target;
    const settings = readSettings(folder.uri);
    const config = await this.modelConfig(settings);
    if (!config) return undefined;

    const controller = new AbortController();
    this.controller = controller;
    setContext(CONTEXT_KEYS.running, true);
    const progress = new RepairProgress({ model: config.model, project: folder.name, focus: target.label });
    let result: RepairResult | undefined;
    try {
      await this.review.end();
      await saveFolderDocuments(folder);
      this.statusBar.show(progress);
      this.log.info(
        `Self-repair of ${folder.name}${target.label ? ` (${target.label})` : ''} with ${config.model} at ${config.baseUrl}; ` +
          `up to ${settings.maxTurns} turns, ${settings.candidatesPerTurn} candidate(s) per turn`,
      );
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Self-repair', cancellable: true },
        async (notification, token) => {
          const cancelled = token.onCancellationRequested(() => this.cancel());
          try {
            return await repair({
              projectRoot: folder.uri.fsPath,
              testCommand: settings.testCommand,
              model: new OpenAIModelClient(config),
              maxTurns: settings.maxTurns,
              candidatesPerTurn: settings.candidatesPerTurn,
              timeoutMs: settings.timeoutMs,
              focusTests: target.focusTests,
              signal: controller.signal,
              onEvent: (event) => {
                progress.apply(event);
                this.statusBar.render(progress);
                if (event.type !== 'request-streaming') this.log.event(event);
                notification.report({ message: progress.notification() });
                this.onEvent(folder, event);
              },
            });
          } finally {
            cancelled.dispose();
          }
        },
      );
    } catch (error) {
      // The engine reports its failures in the result; anything thrown is a bug worth the whole trace.
      this.log.error(error instanceof Error ? error : String(error));
      void vscode.window
        .showErrorMessage(
          `Self-repair failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
          'Show Log',
        )
        .then(this.followUp);
    } finally {
      this.controller = undefined;
      setContext(CONTEXT_KEYS.running, false);
    }
    if (!result) {
      this.statusBar.finish(progress, 'error');
      return undefined;
    }
    this.statusBar.finish(progress, endState(result));
    await this.conclude(folder, result);
    return result;
  }

  private onEvent(folder: vscode.WorkspaceFolder, event: RepairEvent): void {
    if (event.type === 'baseline-finished') {
      this.failures.update(folder, event.report);
      void this.tests.showReport(folder, event.report, 'Self-repair: tests before the repair');
    }
  }

  /** Endpoint, model and key, or undefined after telling the user what is missing. */
  private async modelConfig(settings: { baseUrl?: string; model?: string }): Promise<ModelConfig | undefined> {
    try {
      return resolveModelConfig({ baseUrl: settings.baseUrl, model: settings.model, apiKey: await this.keys.get() });
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      const missingKey = error.kind === 'missing-key';
      const message = missingKey
        ? `Self-repair needs an API key for ${settings.baseUrl ?? process.env.SELF_REPAIR_BASE_URL ?? 'the model endpoint'}: set one (kept in VS Code\u2019s secret storage), or point selfRepair.baseUrl at a local server.`
        : `Self-repair: ${error.message}`;
      void vscode.window
        .showErrorMessage(message, ...(missingKey ? ['Set API Key'] : []), 'Open Settings')
        .then(this.followUp);
      return undefined;
    }
  }

  /** The buttons of the messages above; never awaited, so the command that ran the repair returns. */
  private readonly followUp = (choice: string | undefined): void => {
    if (choice === 'Set API Key') void vscode.commands.executeCommand('selfRepair.setApiKey');
    else if (choice === 'Open Settings') openSettings();
    else if (choice === 'Show Log') this.log.show();
  };

  private async conclude(folder: vscode.WorkspaceFolder, result: RepairResult): Promise<void> {
    switch (endState(result)) {
      case 'fixed':
        await this.review.start(
          folder,
          result.candidates.filter((c) => c.fixed),
        );
        return;
      case 'nothing':
        void vscode.window.showInformationMessage(`Self-repair: ${result.message}.`);
        return;
      case 'unfixed':
        void vscode.window
          .showWarningMessage(`Self-repair: not fixed (${result.message}). The best attempt is in the log.`, 'Show Log')
          .then(this.followUp);
        return;
      case 'cancelled':
        void vscode.window.showInformationMessage('Self-repair cancelled; your files are unchanged.');
        return;
      case 'error': {
        const configuration = result.errorKind === 'configuration';
        const keyProblem = /API key/i.test(result.message);
        const actions = [
          ...(keyProblem ? ['Set API Key'] : []),
          ...(configuration ? ['Open Settings'] : []),
          'Show Log',
        ];
        void vscode.window.showErrorMessage(`Self-repair: ${result.message}`, ...actions).then(this.followUp);
        return;
      }
    }
  }
}
