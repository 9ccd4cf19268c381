/** The Self-repair engine. Hosts (the CLI, the VS Code extension) use only what is exported here. */
export * from './repair';
export * from './generate';
export * from './model';
export * from './testing';
export * from './sandbox';
export * from './syntax';
export * from './patch';
export * from './settings';
export * from './errors';
export * from './report';
export { firstSentence, oneLine, trimText, truncate, MAX_DETAILS_CHARS } from './text';
export { testIdFor } from './testing/test-ids';
