export { repair, rankCandidates, DEFAULTS } from './loop';
export { localize } from '../localize';
export { buildRepairPrompt, SYSTEM_PROMPT, type RepairPrompt } from './prompt';
export { estimateTokens, type PromptFit } from './prompt-budget';
export { writeChanges, StaleFileError } from './write-changes';
export {
  chooseFramework,
  setUpProject,
  runTestsIn,
  runTestsOnce,
  type ProjectSetup,
  type TestRunLimits,
  type TestRunOnce,
} from './prepare';
export type * from './types';
export { fingerprintProject, sameFiles, type ProjectFingerprint } from './fingerprint';
export {
  candidateTimeLimit,
  CANDIDATE_TIME_FACTOR,
  CANDIDATE_TIME_FLOOR_MS,
  type CandidateTimeLimit,
} from './time-limit';
