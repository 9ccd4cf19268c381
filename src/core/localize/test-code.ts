import type { TestDefinition } from '../syntax';
import type { TestCaseResult } from '../testing/types';

/** What a test report says about one test, as far as finding its definition goes. */
export type ReportedTest = Pick<TestCaseResult, 'id' | 'name' | 'file' | 'line'>;

/** A reported test id taken apart: the classes or suites around the test, and its own name. */
export interface TestPath {
  style: 'pytest' | 'script';
  /** Classes (pytest) or suites (JavaScript runners), outermost first. */
  parents: string[];
  /** pytest: the function's name without its parametrize suffix (`test_x` for `test_x[1-2]`). */
  name: string;
  /** The full name as reported, without the file: `Outer::Inner::test_x`, `suite > adds 1`. */
  fullName: string;
}

/**
 * The report's id without its file. pytest: `tests/t.py::Outer::Inner::test_x[a::b]`; the parameters
 * start at the first `[` after the file (class and function names cannot hold one), so `::`, spaces and
 * brackets inside them stay theirs. JavaScript runners: `test/t.js > suite > test`, or without the file.
 */
export function testPath(test: ReportedTest): TestPath {
  // libtest's ids (`src/lib.rs::tests::adds`) are paths like pytest's.
  const pytest = test.file ? /\.(?:py|rs)$/.test(test.file) : test.id.includes('::') && !test.id.includes(' > ');
  return pytest ? pytestPath(test) : scriptPath(test);
}

function pytestPath(test: ReportedTest): TestPath {
  let rest = test.id;
  if (test.file && rest.startsWith(`${test.file}::`)) rest = rest.slice(test.file.length + 2);
  else if (rest.includes('::')) rest = rest.slice(rest.indexOf('::') + 2);
  const bracket = rest.indexOf('[');
  const parts = (bracket >= 0 ? rest.slice(0, bracket) : rest).split('::');
  const name = parts.pop() ?? '';
  return { style: 'pytest', parents: parts, name, fullName: [...parts, name].join('::') };
}

function scriptPath(test: ReportedTest): TestPath {
  let rest = test.id;
  if (test.file && rest.startsWith(`${test.file} > `)) rest = rest.slice(test.file.length + 3);
  // The node reporter tells apart tests of the same name with ` (2)`; the source does not.
  const numbered = / \(\d+\)$/;
  if (!numbered.test(test.name)) rest = rest.replace(numbered, '');
  const parts = rest.split(' > ');
  // A name may hold ` > ` itself: the framework's name for the test says where it starts.
  const named = test.name !== '' && (rest === test.name || rest.endsWith(` > ${test.name}`));
  const name = named ? test.name : (parts.pop() ?? '');
  const parents = named
    ? rest
        .slice(0, rest.length - name.length)
        .split(' > ')
        .slice(0, -1)
    : parts;
  return { style: 'script', parents, name, fullName: rest };
}

/**
 * The definition of a reported test among its file's definitions. The report's id decides (file,
 * classes or suites, name, matched exactly or against a computed name's pattern; a pytest class's
 * inherited methods are found in their base); its line, when given, picks among several matches, and
 * for JavaScript runners it wins outright. A bare name is trusted only when exactly one definition
 * has it and it sits in no other class than the report says. Undefined rather than another test.
 */
export function testDefinitionFor(test: ReportedTest, defs: readonly TestDefinition[]): TestDefinition | undefined {
  const tests = defs.filter((d) => d.kind === 'test');
  const path = testPath(test);
  const line = test.line;
  if (path.style === 'script' && line !== undefined) {
    const starting = tests.filter((d) => d.range.startLine === line);
    if (starting.length === 1) return starting[0];
  }
  const named = path.style === 'pytest' ? pytestMatches(path, defs) : scriptMatches(path, tests);
  if (named.length) return pickByLine(named, line, path.style);
  const sameName = tests.filter((d) => d.name === path.name);
  if (sameName.length === 1 && sameParents(sameName[0]!, path)) return sameName[0];
  return path.style === 'script' && line !== undefined ? innermostAround(tests, line) : undefined;
}

function pytestMatches(path: TestPath, defs: readonly TestDefinition[]): TestDefinition[] {
  const own = defs.filter((d) => d.kind === 'test' && d.fullName === path.fullName);
  if (own.length || !path.parents.length) return own;
  const suite = defs.find((d) => d.kind === 'suite' && d.fullName === path.parents.join('::'));
  return suite?.inherited?.filter((d) => d.name === path.name) ?? [];
}

/** Literal names first: `adds 1` is the test written so before `test.each(...)('adds %d')`. */
function scriptMatches(path: TestPath, tests: readonly TestDefinition[]): TestDefinition[] {
  const exact = tests.filter((d) => d.fullName === path.fullName && !d.fullNamePattern);
  return exact.length ? exact : tests.filter((d) => d.fullNamePattern?.test(path.fullName));
}

/**
 * The match defined at the reported line, else the innermost one around it (a line inside the test,
 * from a stack frame), else the definition that runs: the last of a Python name, the first in a script.
 */
function pickByLine(
  matches: readonly TestDefinition[],
  line: number | undefined,
  style: TestPath['style'],
): TestDefinition {
  if (line !== undefined) {
    const found = matches.find((d) => d.range.startLine === line) ?? innermostAround(matches, line);
    if (found) return found;
  }
  return style === 'pytest' ? matches[matches.length - 1]! : matches[0]!;
}

function innermostAround(defs: readonly TestDefinition[], line: number): TestDefinition | undefined {
  return defs
    .filter((d) => d.range.startLine <= line && line <= d.range.endLine)
    .sort((a, b) => b.range.startIndex - a.range.startIndex)[0];
}

/** Is a definition's class or suite path the report's, as far as the report tells? */
function sameParents(def: TestDefinition, path: TestPath): boolean {
  if (!path.parents.length) return true;
  const separator = path.style === 'pytest' ? '::' : ' > ';
  const parents = def.fullName.split(separator).slice(0, -1).join(separator);
  const reported = path.parents.join(separator);
  return (
    parents !== '' &&
    (reported === parents || reported.endsWith(separator + parents) || parents.endsWith(separator + reported))
  );
}
