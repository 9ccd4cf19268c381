import * as vscode from 'vscode';
import {
  type Candidate,
  DEFAULT_BASE_URL,
  errorLine,
  type GenerateTarget,
  type Isolation,
  IsolationError,
  type ModelConfig,
  OpenAIModelClient,
  parseSandboxMode,
  repair,
  type RepairEvent,
  type RepairResult,
  resolveModelConfig,
  selectIsolation,
  SelfRepairError,
} from '../core';
import { Disposable, setContext } from './disposable';
import type { FailureStore } from './failures';
import type { Log } from './log';
import { ERROR_ACTIONS, errorActions, type ErrorAction } from './logic/error-actions';
import type { ReviewContext } from './logic/candidates';
import { CONTEXT_KEYS } from './logic/ids';
import { MESSAGES } from './logic/messages';
import { endState, RepairProgress } from './logic/progress';
import { fileOfTestId, placeInFolder, reportForFolder, toProjectPath } from './logic/project-paths';
import type { RepairSettings } from './logic/settings';
import { type FolderProject, heldRunOf, projectOf, wholeFolder } from './project-tests';
import type { CandidateReview } from './review/review';
import type { ApiKeyStore } from './secrets';
import { openSettings, readSettings } from './settings';
import type { RepairStatusBar } from './status-bar';
import type { SelfRepairTests } from './test-controller';
import { ensureTrusted, fileUri, saveFolderDocuments } from './workspace';

export interface RepairTarget {
  folder: vscode.WorkspaceFolder;
  /**
   * Absolute path of the project the tests run in: the nearest folder above the test with a
   * framework's configuration (a package of a monorepo), or the folder. When absent, the project of
   * the first focused test's file.
   */
  projectRoot?: string;
  /** Only these test ids need to pass, as the folder sees them (folder-relative); all failing tests when absent. */
  focusTests?: string[];
  /** What the user asked to repair, for messages: a test's name. */
  label?: string;
  /** Implement this stub instead of repairing (generate mode). */
  generate?: GenerateTarget;
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
      this.offerToCancel();
      return undefined;
    }
    const settings = readSettings(target.folder.uri);
    const config = await this.modelConfig(settings);
    if (!config) return undefined;
    const project = await projectOfTarget(target, settings);
    const isolation = await this.isolation(project, settings);
    if (!isolation) return undefined;

    const controller = new AbortController();
    this.controller = controller;
    setContext(CONTEXT_KEYS.running, true);
    const progress = new RepairProgress({ model: config.model, project: projectName(project), focus: target.label });
    let result: RepairResult | undefined;
    try {
      const job = { target, project, settings, config, isolation, progress };
      result = await this.repairWithProgress(job, controller.signal);
    } catch (error) {
      // The engine reports its failures in the result; anything thrown is a bug worth the whole trace.
      this.log.error(error instanceof Error ? error : String(error));
      this.showError(`Self-repair failed: ${errorLine(error)}`, errorActions('internal', { log: true }));
    } finally {
      this.controller = undefined;
      setContext(CONTEXT_KEYS.running, false);
    }
    this.statusBar.finish(progress, result ? endState(result) : 'error');
    if (result) await this.conclude(project, result, target);
    return result;
  }

  private offerToCancel(): void {
    void vscode.window.showWarningMessage(MESSAGES.alreadyRunning, 'Show Log', 'Cancel It').then((choice) => {
      if (choice === 'Show Log') this.log.show();
      if (choice === 'Cancel It') this.cancel();
    });
  }

  /** The repair itself, under a cancellable progress notification, feeding the status bar and the log. */
  private async repairWithProgress(job: RepairJob, signal: AbortSignal): Promise<RepairResult> {
    const { target, project, settings, config, isolation, progress } = job;
    const { folder } = target;
    await this.review.end();
    await saveFolderDocuments(folder);
    this.statusBar.show(progress);
    this.log.info(
      `Self-repair of ${projectName(project)}${target.label ? ` (${target.label})` : ''} with ${config.model} at ${config.baseUrl}; ` +
        `up to ${settings.maxTurns} turns, ${settings.candidatesPerTurn} candidate(s) per turn${budgetText(settings)}`,
    );
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Self-repair', cancellable: true },
      async (notification, token) => {
        const cancelled = token.onCancellationRequested(() => this.cancel());
        try {
          return await repair({
            projectRoot: project.root,
            testCommand: settings.testCommand,
            model: new OpenAIModelClient(config, { timeoutMs: settings.modelTimeoutMs }),
            maxTurns: settings.maxTurns,
            candidatesPerTurn: settings.candidatesPerTurn,
            timeoutMs: settings.timeoutMs,
            maxTokens: settings.maxTokens,
            maxPromptTokens: settings.maxPromptTokens,
            maxTimeMs: settings.maxTimeMs,
            allowTestEdits: vscode.workspace.getConfiguration('selfRepair', folder.uri).get('allowTestEdits') === true,
            runner: isolation.runner,
            focusTests: target.focusTests?.map((id) => toProjectPath(project.place, id)),
            flakyCheck: settings.flakyCheck,
            tracing: settings.tracing,
            runtimeValues: settings.runtimeValues,
            generate: target.generate,
            attemptMemory: settings.attemptMemory,
            dedupeCandidates: settings.dedupeCandidates,
            stagedVerification: settings.stagedVerification,
            baseline: heldRunOf(project),
            signal,
            onEvent: (event) => {
              progress.apply(event);
              this.statusBar.render(progress);
              if (event.type !== 'request-streaming' && event.type !== 'request-waiting') this.log.event(event);
              notification.report({ message: progress.notification() });
              this.onEvent(project, event);
            },
          });
        } finally {
          cancelled.dispose();
        }
      },
    );
  }

  private onEvent(project: FolderProject, event: RepairEvent): void {
    if (event.type === 'baseline-finished') {
      this.failures.update(project, event.report);
      const report = reportForFolder(event.report, project.place);
      void this.tests.showReport(project.folder, report, 'Self-repair: tests before the repair');
    }
  }

  /** The sandbox the settings ask for, or undefined after saying why there is none (`strict`). */
  private async isolation(project: FolderProject, settings: RepairSettings): Promise<Isolation | undefined> {
    const config = vscode.workspace.getConfiguration('selfRepair', project.folder.uri);
    for (const warning of settings.envWarnings) this.log.info(`warning: ${warning}`);
    try {
      const mode = parseSandboxMode(config.get('sandbox', 'auto'));
      const isolation = await selectIsolation({
        mode,
        network: config.get('sandbox.network') === true,
        projectRoot: project.root,
        passEnv: settings.env,
      });
      this.log.info(`isolation: ${isolation.kind}${isolation.reason ? ` (${isolation.reason})` : ''}`);
      this.statusBar.isolation = isolation.kind;
      return isolation;
    } catch (error) {
      if (!(error instanceof IsolationError)) throw error;
      void vscode.window.showErrorMessage(`Self-repair: ${error.message}`, 'Open Settings').then(this.followUp);
      return undefined;
    }
  }

  /**
   * Endpoint, model and key, or undefined after telling the user what is missing. An endpoint off
   * this machine with no key stored asks for one at once, and the repair goes on once it is set.
   */
  private async modelConfig(settings: { baseUrl?: string; model?: string }): Promise<ModelConfig | undefined> {
    const resolve = async () =>
      resolveModelConfig({ baseUrl: settings.baseUrl, model: settings.model, apiKey: await this.keys.get() });
    try {
      return await resolve();
    } catch (error) {
      if (!(error instanceof SelfRepairError)) throw error;
      if (error.kind !== 'missing-key') {
        // Nothing ran yet, so there is no log to show.
        this.showError(`Self-repair: ${error.message}`, errorActions(error.kind, { log: false }));
        return undefined;
      }
    }
    const endpoint = settings.baseUrl ?? process.env.SELF_REPAIR_BASE_URL ?? DEFAULT_BASE_URL;
    if ((await this.keys.prompt(endpoint)) && (await this.keys.get())) return resolve();
    void vscode.window.showInformationMessage(MESSAGES.noKey);
    return undefined;
  }

  /** `retry`: the repair to start again once a key is set from this message (the endpoint refused the old one). */
  private showError(message: string, actions: ErrorAction[], retry?: RepairTarget): void {
    void vscode.window.showErrorMessage(message, ...actions).then(async (choice) => {
      if (!retry || choice !== ERROR_ACTIONS.setApiKey) return this.followUp(choice);
      if ((await this.keys.prompt()) && (await this.keys.get())) await this.run(retry);
    });
  }

  /** The buttons of the messages above; never awaited, so the command that ran the repair returns. */
  private readonly followUp = (choice: string | undefined): void => {
    if (choice === ERROR_ACTIONS.setApiKey) void vscode.commands.executeCommand('selfRepair.setApiKey');
    else if (choice === ERROR_ACTIONS.openSettings) openSettings();
    else if (choice === ERROR_ACTIONS.showLog) this.log.show();
  };

  private async conclude(project: FolderProject, result: RepairResult, target: RepairTarget): Promise<void> {
    switch (endState(result)) {
      case 'fixed': {
        const shown = await confirmedCandidates(result.candidates.filter((c) => c.fixed));
        if (shown.length) await this.review.start(project, shown, reviewContext(result, shown));
        else
          void vscode.window.showInformationMessage(
            'Self-repair: candidates that edit tests not shown; your files are unchanged.',
          );
        return;
      }
      case 'nothing':
        void vscode.window.showInformationMessage(`Self-repair: ${result.message}.`);
        return;
      case 'unfixed':
        void vscode.window
          .showWarningMessage(
            `Self-repair: not fixed (${result.message}). The best attempt is in the log.`,
            ERROR_ACTIONS.showLog,
          )
          .then(this.followUp);
        return;
      case 'cancelled':
        void vscode.window.showInformationMessage('Self-repair cancelled; your files are unchanged.');
        return;
      case 'error':
        this.showError(`Self-repair: ${result.message}`, errorActions(result.errorKind, { log: true }), target);
        return;
    }
  }
}

/** What one repair works with, settled before it starts. */
interface RepairJob {
  target: RepairTarget;
  project: FolderProject;
  settings: RepairSettings;
  config: ModelConfig;
  isolation: Isolation;
  progress: RepairProgress;
}

/**
 * The target's project: its root when the target names it, else the project of the first focused
 * test's file (a Test Explorer item, an id), else the folder.
 */
async function projectOfTarget(target: RepairTarget, settings: RepairSettings): Promise<FolderProject> {
  const { folder } = target;
  const place = target.projectRoot && placeInFolder(folder.uri.fsPath, target.projectRoot);
  if (target.projectRoot && place !== undefined) return { folder, root: target.projectRoot, place };
  const first = target.focusTests?.[0];
  return first ? projectOf(folder, fileUri(folder, fileOfTestId(first)), settings) : wholeFolder(folder);
}

/** Tokens the repair spent, and the candidates not shown for review (the earlier turns' attempts). */
function reviewContext(result: RepairResult, shown: Candidate[]): ReviewContext {
  return {
    tokens: result.usage.promptTokens + result.usage.completionTokens,
    earlier: result.candidates.filter((c) => !shown.includes(c)),
  };
}

/** `shop` for a folder, `shop/packages/api` for a project inside one. */
function projectName({ folder, place }: FolderProject): string {
  return place ? `${folder.name}/${place}` : folder.name;
}

/** `; budget 10000 tokens, 300 s`, or nothing when there is no budget. */
function budgetText({ maxTokens, maxTimeMs }: RepairSettings): string {
  const parts = [maxTokens ? `${maxTokens} tokens` : '', maxTimeMs ? `${maxTimeMs / 1000} s` : ''].filter(Boolean);
  return parts.length ? `; budget ${parts.join(', ')}` : '';
}

/**
 * The verified candidates the user agrees to see: one that edits tests is offered only after a modal
 * confirmation naming the test files; a candidate flagged as special-casing the test says so first.
 */
async function confirmedCandidates(fixed: Candidate[]): Promise<Candidate[]> {
  const testFiles = [...new Set(fixed.flatMap((c) => c.testEdits ?? []))];
  let shown = fixed;
  if (testFiles.length) {
    const show = 'Show Them';
    const choice = await vscode.window.showWarningMessage(
      `Self-repair: some candidates edit tests: ${testFiles.join(', ')}. Show those candidates?`,
      { modal: true },
      show,
    );
    if (choice !== show) shown = fixed.filter((c) => !c.testEdits?.length);
  }
  const flags = shown[0]?.flags ?? [];
  if (flags.length) void vscode.window.showWarningMessage(`Self-repair: ${flags.join('; ')}`);
  return shown;
}
