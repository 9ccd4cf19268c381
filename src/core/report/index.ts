export { describeEvent, describeResult, plural, reportCounts, type EventText } from './describe';
