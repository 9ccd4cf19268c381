export {
  describeEvent,
  describeResult,
  describeTimeLimit,
  describeTestsProgress,
  describeWaiting,
  testsProgress,
  clockTime,
  plural,
  reportCounts,
  type EventText,
} from './describe';
