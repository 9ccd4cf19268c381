import * as vscode from 'vscode';

const KEY = 'selfRepair.apiKey';

/** The model API key lives in VS Code's SecretStorage (the OS keychain), never in settings. */
export class ApiKeyStore {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(): Promise<string | undefined> {
    return (await this.secrets.get(KEY))?.trim() || undefined;
  }

  /**
   * Asks for the key; an empty answer removes the stored one. False when the user dismissed the box.
   * `endpoint` names the server a repair is waiting to reach, when one is.
   */
  async prompt(endpoint?: string): Promise<boolean> {
    const value = await vscode.window.showInputBox({
      title: 'Self-repair: API Key',
      prompt: endpoint
        ? `The key for ${endpoint}, kept in VS Code\u2019s secret storage; the repair starts once it is set.`
        : 'The key of your OpenAI-compatible endpoint, kept in VS Code\u2019s secret storage. Leave empty to remove the stored key.',
      placeHolder: 'sk-…',
      password: true,
      ignoreFocusOut: true,
    });
    if (value === undefined) return false;
    if (value.trim()) {
      await this.secrets.store(KEY, value.trim());
      void vscode.window.showInformationMessage('Self-repair: API key stored in VS Code\u2019s secret storage.');
    } else {
      await this.secrets.delete(KEY);
      void vscode.window.showInformationMessage('Self-repair: stored API key removed.');
    }
    return true;
  }
}
