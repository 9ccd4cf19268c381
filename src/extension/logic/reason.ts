import type { TestCaseResult, TestReport } from '../../core/testing/types';
import { oneLine } from './text';

/**
 * The failure in one short line, as a code lens or a log line shows it: `assert 3.0 == 2.0`,
 * `Expected values to be strictly equal: 7 !== 11`. The error class is dropped when a message
 * follows it, since the lens already says the test failed.
 */
export function failureReason(
  test: Pick<TestCaseResult, 'message' | 'details' | 'status' | 'expected' | 'actual'>,
  max = 80,
): string {
  const first = (test.message ?? test.details ?? '').split('\n').find((line) => line.trim()) ?? '';
  const bare = first.trim().replace(/^(?:[A-Z]\w*(?:Error|Exception)(?: \[\w+\])?):\s+(?=\S)/, '');
  if (bare) return oneLine(bare, max);
  if (test.expected !== undefined && test.actual !== undefined)
    return oneLine(`expected ${test.expected}, got ${test.actual}`, max);
  return test.status === 'errored' ? 'error' : 'failed';
}

/** Passing out of the tests that ran (skipped ones do not count either way). */
export function passCount(report: Pick<TestReport, 'counts'> | undefined): { passed: number; total: number } {
  if (!report) return { passed: 0, total: 0 };
  const { passed, failed, errored } = report.counts;
  return { passed, total: passed + failed + errored };
}
