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
} from './process-runner';
export { DEFAULT_MAX_MEMORY_BYTES, DEFAULT_MAX_PROCESSES, type Argv, type RunLimit } from './limits';
export { killAllRuns } from './run-tracking';
export { copyPrefix, removeLeftoverCopies, removeOwnCopiesSync } from './leftovers';
export {
  createSandbox,
  cloneSandbox,
  listProjectFiles,
  SKIPPED_NAMES,
  type CreateSandboxOptions,
  type ListProjectFilesOptions,
} from './workspace';
export * from './isolation';
export { VIEW_ENV, type SandboxViewChoice } from './views';
export { launchFor } from './overlay';
export { composeWraps, shellWrap, type Launch, type Wrap, type WrapRequest } from './wrap';
