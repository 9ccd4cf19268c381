import type * as vscode from 'vscode';
import { FailingTestLenses } from './code-lens';
import { registerCommands } from './commands';
import { Disposable } from './disposable';
import { FailureStore } from './failures';
import { StubLenses } from './generate/stub-lens';
import { Log } from './log';
import { RepairRunner } from './repair-runner';
import { CandidateReview } from './review/review';
import { ApiKeyStore } from './secrets';
import { RepairStatusBar } from './status-bar';
import { Targets } from './targets';
import { SelfRepairTests } from './test-controller';

/** The extension's parts, wired once; disposing it disposes every one of them. */
export class SelfRepair extends Disposable {
  constructor(context: vscode.ExtensionContext) {
    super();
    const log = this._register(new Log());
    const failures = this._register(new FailureStore());
    const tests = this._register(new SelfRepairTests(failures, log));
    this._register(new FailingTestLenses(failures));
    this._register(new StubLenses());
    const statusBar = this._register(new RepairStatusBar());
    const review = this._register(new CandidateReview(log, failures, tests, statusBar));
    const keys = new ApiKeyStore(context.secrets);
    const runner = this._register(new RepairRunner(log, statusBar, keys, failures, tests, review));
    const targets = new Targets(tests, failures);
    for (const command of registerCommands({ runner, targets, review, keys, log })) this._register(command);
  }
}
