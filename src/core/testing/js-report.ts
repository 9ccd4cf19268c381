import { type RawTestRun, reportOf, type TestCaseResult, type TestReport } from './types';

/**
 * A run's report from the results its framework's report file gave (undefined when it gave none),
 * with the run error a person needs when no test could run at all.
 */
export function reportFrom(
  framework: string,
  input: RawTestRun,
  parse: (report: string, root: string) => TestCaseResult[] | undefined,
  fromConsole?: (output: string, root: string) => TestCaseResult[],
): TestReport {
  const tests =
    (input.report ? parse(input.report, input.projectRoot) : undefined) ??
    fromConsole?.(input.output, input.projectRoot) ??
    [];
  const report = reportOf(framework, tests, input);
  const loadErrors = tests.filter((t) => t.id === t.file && t.status === 'errored');
  if (loadErrors.length && loadErrors.length === tests.length) {
    const first = loadErrors[0]!;
    report.runError = `could not load ${first.file}: ${first.message ?? 'the test file failed before any test ran'}`;
  }
  return report;
}
