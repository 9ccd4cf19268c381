export * from './types';
export { parseReply, pathFromLabel } from './parse';
export { applyEdits, locateProjectFile, type ApplyContext } from './apply';
export { unifiedDiff, diffStats, type DiffInput, type DiffStats } from './diff';
