import type { TestDefinition } from '../../core';

/** The engine's id of a test found by tree-sitter: the framework adapter says how its reports name it. */
export { testIdFor } from '../../core';

/** `tests/test_x.py::test_a[1-2]` → `tests/test_x.py::test_a`: a parametrized case belongs to its function. */
export function baseTestId(id: string): string {
  const cut = id.lastIndexOf('::');
  const tail = id.slice(cut + 2);
  const bracket = tail.indexOf('[');
  return cut >= 0 && bracket > 0 && tail.endsWith(']') ? id.slice(0, cut + 2 + bracket) : id;
}

/** Is the reported test `resultId` the definition `definitionId`, one of its cases, or (for a suite) inside it? */
export function belongsTo(resultId: string, definitionId: string): boolean {
  return (
    resultId === definitionId ||
    baseTestId(resultId) === definitionId ||
    resultId.startsWith(`${definitionId}::`) ||
    resultId.startsWith(`${definitionId} > `) ||
    // go test's subtests: `pkg::TestX/case` runs inside `pkg::TestX`. Script ids (` > `) may hold a `/` of their own.
    (!definitionId.includes(' > ') && resultId.startsWith(`${definitionId}/`))
  );
}

/** The innermost test whose definition spans the 1-based `line`; the innermost suite when no test does. */
export function definitionAt(definitions: readonly TestDefinition[], line: number): TestDefinition | undefined {
  const around = definitions.filter((d) => d.range.startLine <= line && line <= d.range.endLine);
  const innermost = (kind: TestDefinition['kind']) =>
    around
      .filter((d) => d.kind === kind)
      .sort((a, b) => b.range.startLine - a.range.startLine || a.range.endLine - b.range.endLine)[0];
  return innermost('test') ?? innermost('suite');
}
