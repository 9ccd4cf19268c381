export * from './types';
export {
  sandboxEnv,
  checkPassedEnv,
  envNameProblem,
  isAllowedName,
  isModelKeyName,
  isVariableName,
  MODEL_KEY_NAMES,
  type PassedEnv,
} from './env';
export {
  ProcessRunner,
  DEFAULT_MAX_OUTPUT_BYTES,
  DEFAULT_KILL_GRACE_MS,
  type ProcessRunnerOptions,
  type WrapCommand,
} from './process-runner';
export {
  createSandbox,
  cloneSandbox,
  listProjectFiles,
  SKIPPED_NAMES,
  type CreateSandboxOptions,
  type ListProjectFilesOptions,
} from './workspace';
export * from './isolation';
