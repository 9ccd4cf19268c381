import { isConfigurationError, isKeyError, type ErrorKind } from '../../core';

/** The buttons an error message may offer; repair-runner.ts runs the one chosen. */
export const ERROR_ACTIONS = {
  setApiKey: 'Set API Key',
  openSettings: 'Open Settings',
  showLog: 'Show Log',
} as const;

export type ErrorAction = (typeof ERROR_ACTIONS)[keyof typeof ERROR_ACTIONS];

/**
 * The buttons for an error of this kind: the key for a key problem, the settings for anything the
 * settings fix (endpoint, model, test command), and the log when the repair wrote one.
 */
export function errorActions(kind: ErrorKind | undefined, options: { log: boolean }): ErrorAction[] {
  return [
    ...(isKeyError(kind) ? [ERROR_ACTIONS.setApiKey] : []),
    // A stub that cannot be implemented is fixed in the code, not in the settings.
    ...(isConfigurationError(kind) && kind !== 'generate-target' ? [ERROR_ACTIONS.openSettings] : []),
    ...(options.log ? [ERROR_ACTIONS.showLog] : []),
  ];
}
