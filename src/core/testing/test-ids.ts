import { adapterById } from './adapters';

/**
 * The id the `framework` adapter's reports give the test tree-sitter finds in `file` (relative to
 * `projectRoot`) under `fullName`: `tests/test_x.py::TestX::test_y` (pytest, unittest),
 * `test/a.test.ts > suite > test` (JavaScript runners), `example.com/m/stats::TestMean/empty`
 * (go test), `src/lib.rs::tests::adds` (cargo test).
 */
export function testIdFor(framework: string, projectRoot: string, file: string, fullName: string): string {
  return adapterById(framework)?.testId?.(projectRoot, file, fullName) ?? `${file} > ${fullName}`;
}
