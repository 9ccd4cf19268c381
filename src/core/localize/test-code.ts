import type { TestDefinition } from '../syntax';
import type { TestCaseResult } from '../testing/types';

/** The test's own name: the last part of its id. */
export function testName(test: TestCaseResult): string {
  const parts = test.id.split(/::| > /);
  return parts[parts.length - 1] ?? test.name;
}

/** The definition of a failing test among its file's definitions: by name, else by the line the report gives. */
export function testDefinitionFor(test: TestCaseResult, defs: readonly TestDefinition[]): TestDefinition | undefined {
  const name = testName(test);
  return (
    defs.find((d) => d.kind === 'test' && (d.fullName === name || d.name === name || test.id.endsWith(d.fullName))) ??
    (test.line
      ? defs.find((d) => d.kind === 'test' && d.range.startLine <= test.line! && test.line! <= d.range.endLine)
      : undefined)
  );
}
