import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import {
  calledNames,
  enclosingFunction,
  findSyntaxProblems,
  findTestDefinitions,
  languageForFile,
  listFunctions,
  replaceFunctionDefinition,
} from '../../../src/core/syntax';
import { FIXTURE_PROJECTS } from '../../support/projects';

const STATS = path.join(FIXTURE_PROJECTS, 'go-buggy', 'stats');

describe('syntax for Go (tree-sitter-go)', () => {
  let source: string;
  let tests: string;
  before(async () => {
    source = await readFile(path.join(STATS, 'stats.go'), 'utf8');
    tests = await readFile(path.join(STATS, 'stats_test.go'), 'utf8');
  });

  it('maps .go files to Go', () => {
    assert.equal(languageForFile('stats/stats.go'), 'go');
    assert.equal(languageForFile('stats/stats_test.go'), 'go');
  });

  it('lists functions, and methods as Type.method', async () => {
    const functions = await listFunctions(source, 'stats/stats.go', 'go');
    assert.deepEqual(
      functions.map((f) => [f.name, f.kind, f.range.startLine]),
      [
        ['Mean', 'function', 7],
        ['Median', 'function', 16],
        ['Summary.Range', 'method', 32],
      ],
    );
    assert.match(functions[0]!.text, /^func Mean\(xs \[\]float64\) float64 \{[^]*\n\}$/);
    assert.equal((await enclosingFunction(source, 'stats/stats.go', 'go', 12))?.name, 'Mean');
  });

  it('names pointer and generic receivers by their type', async () => {
    const text = 'package p\n\nfunc (l *List[T]) Len() int { return 0 }\n\nfunc (m *Map) Len() int { return 1 }\n';
    const functions = await listFunctions(text, 'p.go', 'go');
    assert.deepEqual(
      functions.map((f) => f.name),
      ['List.Len', 'Map.Len'],
    );
  });

  it('replaces a function, leaving the rest of the file byte-identical', async () => {
    const fixed =
      'func Mean(xs []float64) float64 {\n\tsum := 0.0\n\tfor _, x := range xs {\n\t\tsum += x\n\t}\n\treturn sum / float64(len(xs))\n}';
    const result = await replaceFunctionDefinition(source, 'go', fixed);
    assert.ok(result);
    assert.equal(result, source.replace('float64(len(xs)-1)', 'float64(len(xs))'));
  });

  it('replaces the method of the type the new code names, among same-named methods', async () => {
    const text = 'package p\n\nfunc (a A) Len() int {\n\treturn 1\n}\n\nfunc (b *B) Len() int {\n\treturn 2\n}\n';
    const result = await replaceFunctionDefinition(text, 'go', 'func (b *B) Len() int {\n\treturn 3\n}');
    assert.equal(result, text.replace('return 2', 'return 3'));
  });

  it('finds syntax errors in Go', async () => {
    assert.deepEqual(await findSyntaxProblems(source, 'go'), []);
    const problems = await findSyntaxProblems(source.replace('sum += x\n', 'sum += (x\n'), 'go');
    assert.ok(problems.length > 0);
    assert.ok(problems[0]!.line >= 10 && problems[0]!.line <= 12, JSON.stringify(problems));
  });

  it('lists Go tests and literal subtests, not table-driven ones', async () => {
    const defs = await findTestDefinitions(tests, 'stats/stats_test.go', 'go');
    assert.deepEqual(
      defs.map((d) => [d.fullName, d.range.startLine]),
      [
        ['TestMean', 5],
        ['TestMedian', 11],
        ['TestRange', 30],
      ],
    );
    const literal =
      'package p\n\nfunc TestA(t *testing.T) {\n\tt.Run("adds two", func(t *testing.T) {})\n}\n\nfunc helper() {}\n';
    const found = await findTestDefinitions(literal, 'p_test.go', 'go');
    assert.deepEqual(
      found.map((d) => d.fullName),
      ['TestA', 'TestA/adds_two'],
    );
  });

  it('names the functions a snippet calls, selectors included', async () => {
    assert.deepEqual(await calledNames('if got := Mean(xs); got != s.Range() { t.Errorf("x") }', 'go'), [
      'Mean',
      'Range',
      'Errorf',
    ]);
  });
});
