export * from './types';
export { adapters, adapterById, selectAdapter } from './adapters';
export { pytestAdapter } from './pytest';
export { nodeTestAdapter } from './node-test';
export { jestAdapter } from './jest';
export { vitestAdapter } from './vitest';
export { mochaAdapter } from './mocha';
export { runTests, type RunTestsOptions } from './run';
export { findHungTest, withPerTestTimeout } from './hung';
