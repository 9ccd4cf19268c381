export { repair, rankCandidates, DEFAULTS } from './loop';
export { localize } from './localize';
export { buildRepairPrompt, SYSTEM_PROMPT } from './prompt';
export { writeChanges, StaleFileError } from './write-changes';
export type * from './types';
