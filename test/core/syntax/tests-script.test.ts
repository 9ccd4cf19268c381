import * as assert from 'node:assert/strict';
import { findTestDefinitions, type TestDefinition } from '../../../src/core/syntax';
import { fixture } from './fixtures';

describe('syntax/tests: JavaScript tests with computed names', () => {
  const text = fixture('script-computed-names', 'table.test.js');
  let defs: TestDefinition[];
  before(async () => {
    defs = await findTestDefinitions(text, 'test/table.test.js', 'javascript');
  });
  const at = (line: number) => defs.find((d) => d.range.startLine === line)!;
  const matches = (line: number, reported: string) => at(line).fullNamePattern?.test(reported) ?? false;

  it('finds .each tables, modifiers, template and computed names, in source order', () => {
    assert.deepEqual(
      defs.map((d) => [d.kind, d.range.startLine, d.fullName]),
      [
        ['suite', 3, 'sum'],
        ['test', 4, 'sum > adds %i + %i to %i'],
        ['test', 11, 'sum > returns $expected when $a is added to $b'],
        ['test', 18, 'sum > object $n.value, 100%% sure'],
        ['test', 22, 'sum > adds 1 + 1 to 2'],
        ['suite', 27, 'currency %s'],
        ['test', 28, 'currency %s > formats'],
        ['test', 34, 'squares ${n} to ${n * n}'],
        ['test', 41, 'c.name'],
        ['test', 46, 'percent %s stays literal'],
        ['test', 47, 'skipped on CI'],
        ['test', 48, 'joined literally'],
        ['test', 49, 'prefix cases.length'],
        ['test', 53, 'same'],
        ['test', 54, 'same'],
      ],
    );
  });

  it('turns printf and $field placeholders of .each names into patterns of the reported names', () => {
    assert.ok(matches(4, 'sum > adds 1 + 2 to 3'));
    assert.ok(!matches(4, 'sum > adds 1 - 2 to 3'));
    assert.ok(!matches(4, 'other > adds 1 + 2 to 3'));
    assert.ok(matches(11, 'sum > returns 2 when 1 is added to 1'));
    assert.ok(matches(18, 'sum > object 1, 100% sure'));
    assert.ok(!matches(18, 'sum > object 1, 100%% sure'), '%% is one percent sign');
  });

  it('carries a describe.each name into the names of its tests', () => {
    assert.ok(matches(27, 'currency USD'));
    assert.ok(matches(28, 'currency EUR > formats'));
    assert.ok(!matches(28, 'currency EUR > parses'));
  });

  it('matches ${expr} and computed names anywhere, and leaves literal names without a pattern', () => {
    assert.ok(matches(34, 'squares 3 to 9'));
    assert.ok(matches(41, 'empty input'));
    assert.ok(matches(49, 'prefix 1'));
    for (const literal of [22, 46, 47, 48, 53]) assert.equal(at(literal).fullNamePattern, undefined);
  });

  it('takes `x.test(...)` for a test only when a body comes with it', () => {
    assert.ok(!defs.some((d) => d.name === 'not a test'));
  });

  it('reads typed .each tables, vitest .for, and ${field} in a plain .each name (TypeScript)', async () => {
    const source = [
      "describe('rows', () => {",
      "  it.each<[number, string]>([[1, 'a']])('row %d is ${label}', (n: number, label: string) => {});",
      "  test.for([1])('for %i', (n) => {});",
      '});',
      '',
    ].join('\n');
    const typed = await findTestDefinitions(source, 'rows.test.ts', 'typescript');
    assert.deepEqual(
      typed.map((d) => d.fullName),
      ['rows', 'rows > row %d is ${label}', 'rows > for %i'],
    );
    assert.ok(typed[1]!.fullNamePattern?.test('rows > row 1 is a'));
    assert.ok(typed[2]!.fullNamePattern?.test('rows > for 1'));
    assert.ok(!typed[2]!.fullNamePattern?.test('rows > for 1 > deeper'), 'a placeholder stays within its own name');
  });
});
