export {
  describeEvent,
  describeResult,
  describeTimeLimit,
  describeWaiting,
  plural,
  reportCounts,
  type EventText,
} from './describe';
