import * as assert from 'node:assert/strict';
import { findTestDefinitions } from '../../../src/core/syntax';
import { fixture } from './fixtures';

type Row = [kind: string, fullName: string, name: string, startLine: number];

describe('syntax/tests', () => {
  it('finds pytest functions and Test classes, nested classes included, with pytest ids', async () => {
    const text = fixture('pytest-file', 'test_stats.py');
    const defs = await findTestDefinitions(text, 'tests/test_stats.py', 'python');
    assert.deepEqual(
      defs.map((d): Row => [d.kind, d.fullName, d.name, d.range.startLine]),
      [
        ['test', 'test_mean', 'test_mean', 6],
        ['test', 'test_median', 'test_median', 10],
        ['suite', 'TestSummary', 'TestSummary', 19],
        ['test', 'TestSummary::test_spread', 'test_spread', 20],
        ['suite', 'TestSummary::TestNested', 'TestNested', 26],
        ['test', 'TestSummary::TestNested::test_count', 'test_count', 27],
      ],
    );
    const median = defs[1];
    assert.ok(text.slice(median.range.startIndex, median.range.endIndex).startsWith('@pytest.mark.parametrize('));
    assert.equal(median.range.endLine, 12);
  });

  it('finds node:test / mocha tests and suites, joining nested names with " > "', async () => {
    const text = fixture('node-test-file', 'math.test.js');
    const defs = await findTestDefinitions(text, 'test/math.test.js', 'javascript');
    assert.deepEqual(
      defs.map((d): Row => [d.kind, d.fullName, d.name, d.range.startLine]),
      [
        ['test', 'adds numbers', 'adds numbers', 5],
        ['suite', 'divide', 'divide', 9],
        ['test', 'divide > divides evenly', 'divides evenly', 10],
        ['suite', 'divide > by zero', 'by zero', 14],
        ['test', 'divide > by zero > throws', 'throws', 15],
        ['test', 'with subtests', 'with subtests', 21],
        ['test', 'with subtests > first', 'first', 22],
        ['test', 'name', 'name', 28],
        ['test', 'template ${name}', 'template ${name}', 29],
      ],
    );
    // Names computed at run time match what the framework reports through a pattern.
    assert.ok(defs[7]!.fullNamePattern?.test('computed'));
    assert.ok(defs[8]!.fullNamePattern?.test('template computed'));
    assert.equal(defs[0]!.fullNamePattern, undefined);
    const divide = defs[1];
    assert.equal(divide.range.endLine, 19);
    assert.ok(text.slice(divide.range.startIndex, divide.range.endIndex).startsWith("describe('divide', () => {"));
  });

  it('reads jest-style modifiers, escapes and TypeScript test files', async () => {
    const text = [
      "describe.only('parser', () => {",
      "  it.todo('handles \\'quotes\\'');",
      '  test.skip("tabs\\tand\\nlines", async () => {});',
      "  xit('is pending', () => {});",
      "  helper('not a test', () => {});",
      '  it(`plain template`, (): void => {});',
      '});',
      '',
    ].join('\n');
    const defs = await findTestDefinitions(text, 'parser.test.ts', 'typescript');
    assert.deepEqual(
      defs.map((d) => d.fullName),
      [
        'parser',
        "parser > handles 'quotes'",
        'parser > tabs\tand\nlines',
        'parser > is pending',
        'parser > plain template',
      ],
    );
  });

  it('finds nothing in a file without tests', async () => {
    assert.deepEqual(await findTestDefinitions(fixture('python-module', 'stats.py'), 'stats.py', 'python'), []);
    assert.deepEqual(
      await findTestDefinitions(fixture('javascript-module', 'shapes.js'), 'shapes.js', 'javascript'),
      [],
    );
  });
});
