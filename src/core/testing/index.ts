export * from './types';
export { adapters, adapterById, selectAdapter } from './adapters';
export { pytestAdapter } from './pytest';
export { nodeTestAdapter } from './node-test';
export { unittestAdapter } from './unittest';
export { goTestAdapter } from './go-test';
export { cargoTestAdapter } from './cargo-test';
export { runTests, type RunTestsOptions } from './run';
export { findHungTest, withPerTestTimeout } from './hung';
