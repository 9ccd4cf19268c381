import * as vscode from 'vscode';
import { normalizeSettings, type RepairSettings } from './logic/settings';

export const SECTION = 'selfRepair';

/**
 * The settings for one folder. In an untrusted workspace VS Code itself leaves out workspace values
 * of the restricted settings (baseUrl, testCommand, sandbox, env), which the manifest declares.
 */
export function readSettings(scope?: vscode.Uri): RepairSettings {
  const config = vscode.workspace.getConfiguration(SECTION, scope);
  return normalizeSettings({
    baseUrl: config.get('baseUrl'),
    model: config.get('model'),
    testCommand: config.get('testCommand'),
    maxTurns: config.get('maxTurns'),
    candidatesPerTurn: config.get('candidatesPerTurn'),
    timeoutSeconds: config.get('timeoutSeconds'),
    maxTokens: config.get('maxTokens'),
    maxPromptTokens: config.get('maxPromptTokens'),
    maxTimeSeconds: config.get('maxTimeSeconds'),
    env: config.get('env'),
    flakyCheck: config.get('flakyCheck'),
    tracing: config.get('tracing'),
    runtimeValues: config.get('runtimeValues'),
    attemptMemory: config.get('attemptMemory'),
    dedupeCandidates: config.get('dedupeCandidates'),
    stagedVerification: config.get('stagedVerification'),
    modelTimeoutSeconds: config.get('modelTimeoutSeconds'),
    testExplorer: config.get('testExplorer'),
    reviewStyle: config.get('reviewStyle'),
  });
}

export function openSettings(): void {
  void vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${EXTENSION_ID} ${SECTION}`);
}

export const EXTENSION_ID = 'self-repair.self-repair';
