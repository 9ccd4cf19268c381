export * from './types';
export {
  adapters,
  adapterById,
  selectAdapter,
  type FrameworkAdapter,
  type PreparedCommand,
  type RawTestRun,
} from './adapter';
export { pytestAdapter } from './pytest';
export { nodeTestAdapter } from './node-test';
export { runTests, type RunTestsOptions } from './run';
