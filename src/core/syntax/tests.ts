import { withTree } from './parser';
import { goTestDefinitions } from './tests-go';
import { visitPytest } from './tests-python';
import { visitRustTests } from './tests-rust';
import { visitScript } from './tests-script';
import type { CodeRange, LanguageId } from './types';

export interface TestDefinition {
  /** The name as written; computed parts stay as in the source (`adds %d`, `case ${n}`, `c.name`). */
  name: string;
  /** `Suite > test` for JavaScript runners, `TestClass::test_x` for pytest. */
  fullName: string;
  /** Starts at the definition's first line (a decorated pytest test starts at its first decorator). */
  range: CodeRange;
  kind: 'test' | 'suite';
  /**
   * Set when part of the full name is computed (`it.each` placeholders, `${expr}`, a variable):
   * matches the full names (`Suite > test`, without the file) the framework reports for it.
   */
  fullNamePattern?: RegExp;
  /**
   * Python test classes: the `test*` methods they get from classes of the same file, which pytest
   * reports under this class (`FooTests::test_x`) but which are defined in the base (`fullName`
   * `BaseTests::test_x`). Overridden methods are left out; the nearest base comes first.
   */
  inherited?: TestDefinition[];
}

/** Tests and suites defined in a test file, in source order, nested ones after their suite. */
export async function findTestDefinitions(text: string, _file: string, lang: LanguageId): Promise<TestDefinition[]> {
  return withTree(text, lang, (root) => {
    if (lang === 'go') return goTestDefinitions(root);
    if (lang === 'rust') {
      const found: TestDefinition[] = [];
      visitRustTests(root, [], found);
      return found;
    }
    return lang === 'python' ? visitPytest(root) : visitScript(root);
  });
}
