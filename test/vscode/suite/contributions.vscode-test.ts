import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, extension } from './helpers';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('Self-repair in desktop VS Code: what it contributes', () => {
  before(async () => {
    await extension().activate();
  });

  it('is active in a workspace with tests', () => {
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  });

  it('registers every contributed command', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const contributed = (extension().packageJSON as { contributes: { commands: ContributedCommand[] } }).contributes
      .commands;
    assert.ok(contributed.length >= 10);
    for (const { command } of contributed) assert.ok(registered.has(command), `${command} is registered`);
  });

  it('contributes the settings with their defaults, readable per folder', () => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    const config = vscode.workspace.getConfiguration('selfRepair', folder.uri);
    const defaults = Object.fromEntries(
      ['baseUrl', 'model', 'testCommand', 'maxTurns', 'candidatesPerTurn', 'timeoutSeconds'].map((key) => [
        key,
        config.inspect(key)?.defaultValue,
      ]),
    );
    assert.deepEqual(defaults, {
      baseUrl: '',
      model: '',
      testCommand: '',
      maxTurns: 4,
      candidatesPerTurn: 1,
      timeoutSeconds: 120,
    });
  });

  it('accepts a folder-level testCommand (resource scope)', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!;
    const config = vscode.workspace.getConfiguration('selfRepair', folder.uri);
    await config.update('testCommand', 'node --test', vscode.ConfigurationTarget.WorkspaceFolder);
    try {
      assert.equal(vscode.workspace.getConfiguration('selfRepair', folder.uri).get('testCommand'), 'node --test');
    } finally {
      await config.update('testCommand', undefined, vscode.ConfigurationTarget.WorkspaceFolder);
    }
  });

  it('answers "Implement Function" without failing', async () => {
    await vscode.commands.executeCommand('selfRepair.implementFunction');
  });

  it('does nothing on Cancel when no repair runs', async () => {
    await vscode.commands.executeCommand('selfRepair.cancel');
  });
});
