export { describeEvent, describeResult, describeWaiting, plural, reportCounts, type EventText } from './describe';
