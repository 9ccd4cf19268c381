import * as assert from 'node:assert/strict';
import { calledNames, enclosingFunction, listFunctions } from '../../../src/core/syntax';
import { fixture } from './fixtures';

type Row = [name: string, kind: string | undefined, startLine: number, endLine: number];

async function outline(scenario: string, file: string, lang: 'python' | 'javascript' | 'typescript'): Promise<Row[]> {
  const functions = await listFunctions(fixture(scenario, file), file, lang);
  for (const fn of functions) assert.equal(fn.file, file);
  return functions.map((fn) => [fn.name, fn.kind, fn.range.startLine, fn.range.endLine]);
}

describe('syntax/functions', () => {
  describe('listFunctions', () => {
    it('lists Python functions, decorated and async ones, methods as Class.method and nested ones', async () => {
      assert.deepEqual(await outline('python-module', 'stats.py', 'python'), [
        ['mean', 'function', 5, 6],
        ['factorial', 'function', 9, 13],
        ['fetch_total', 'function', 16, 18],
        ['median', 'function', 21, 25],
        ['median.middle', 'nested', 22, 23],
        ['Summary.__init__', 'method', 31, 32],
        ['Summary.count', 'method', 34, 36],
        ['Summary.spread', 'method', 38, 41],
        ['Summary.describe', 'method', 43, 45],
        ['Histogram.__init__', 'method', 49, 50],
        ['Histogram.spread', 'method', 52, 53],
      ]);
    });

    it('includes decorators in the text and range of a Python definition', async () => {
      const text = fixture('python-module', 'stats.py');
      const factorial = (await listFunctions(text, 'stats.py', 'python')).find((f) => f.name === 'factorial')!;
      assert.ok(factorial.text.startsWith('@functools.lru_cache(maxsize=None)\ndef factorial(n):\n'));
      assert.ok(factorial.text.endsWith('return n * factorial(n - 1)'));
      assert.equal(text.slice(factorial.range.startIndex, factorial.range.endIndex), factorial.text);
    });

    it('lists every JavaScript function style', async () => {
      assert.deepEqual(await outline('javascript-module', 'shapes.js', 'javascript'), [
        ['area', 'function', 3, 5],
        ['counter', 'function', 7, 9],
        ['perimeter', 'function', 11, 11],
        ['diagonal', 'function', 13, 15],
        ['scale', 'function', 17, 19],
        ['Rectangle.constructor', 'method', 22, 25],
        ['Rectangle.area', 'method', 27, 29],
        ['Rectangle.square', 'method', 31, 33],
        ['helpers.double', 'method', 37, 39],
        ['helpers.half', 'method', 40, 42],
        ['describe', 'function', 45, 47],
        ['isSquare', 'function', 49, 49],
      ]);
    });

    it('lists TypeScript functions with their export keyword and class members', async () => {
      assert.deepEqual(await outline('typescript-module', 'geometry.ts', 'typescript'), [
        ['distance', 'function', 6, 10],
        ['midpoint', 'function', 12, 15],
        ['clamp', 'function', 17, 19],
        ['Polygon.constructor', 'method', 22, 22],
        ['Polygon.perimeter', 'method', 24, 30],
        ['Polygon.size', 'method', 32, 34],
      ]);
      const [distance] = await listFunctions(fixture('typescript-module', 'geometry.ts'), 'geometry.ts', 'typescript');
      assert.ok(distance.text.startsWith('export function distance(a: Point, b: Point): number {'));
    });

    it('names prototype methods, object methods of module.exports and class field arrows', async () => {
      const text = [
        'function Stack() { this.items = []; }',
        'Stack.prototype.push = function (x) { this.items.push(x); };',
        'module.exports = { peek(s) { return s.items[0]; }, size: (s) => s.items.length };',
        'class Button { onClick = () => { this.clicked = true; }; }',
        '',
      ].join('\n');
      const names = (await listFunctions(text, 'stack.js', 'javascript')).map((f) => f.name);
      assert.deepEqual(names, ['Stack', 'Stack.push', 'peek', 'size', 'Button.onClick']);
    });
  });

  describe('enclosingFunction', () => {
    const stats = fixture('python-module', 'stats.py');

    it('finds the method around a line', async () => {
      const fn = await enclosingFunction(stats, 'stats.py', 'python', 40);
      assert.equal(fn?.name, 'Summary.spread');
      assert.equal(fn?.range.startLine, 38);
      assert.equal(fn?.file, 'stats.py');
    });

    it('prefers the innermost function', async () => {
      assert.equal((await enclosingFunction(stats, 'stats.py', 'python', 23))?.name, 'median.middle');
      assert.equal((await enclosingFunction(stats, 'stats.py', 'python', 25))?.name, 'median');
    });

    it('counts decorator lines as part of the function', async () => {
      assert.equal((await enclosingFunction(stats, 'stats.py', 'python', 9))?.name, 'factorial');
    });

    it('returns undefined outside every function', async () => {
      assert.equal(await enclosingFunction(stats, 'stats.py', 'python', 2), undefined);
      assert.equal(await enclosingFunction(stats, 'stats.py', 'python', 29), undefined);
    });

    it('works for JavaScript class methods', async () => {
      const shapes = fixture('javascript-module', 'shapes.js');
      assert.equal((await enclosingFunction(shapes, 'shapes.js', 'javascript', 32))?.name, 'Rectangle.square');
    });
  });

  describe('calledNames', () => {
    it('gives called functions and methods of a Python test in source order, once each', async () => {
      const test = fixture('pytest-file', 'test_stats.py');
      const body = test.slice(test.indexOf('    def test_spread'), test.indexOf('    def setup_method'));
      assert.deepEqual(await calledNames(body, 'python'), ['Summary', 'spread']);
      assert.deepEqual(await calledNames('assert mean(xs) == mean(ys)\nassert stats.median(xs) == 2\n', 'python'), [
        'mean',
        'median',
      ]);
    });

    it('gives called functions, methods and constructors in JavaScript', async () => {
      const snippet =
        "test('x', () => {\n  const r = new Rectangle(2, 3);\n  assert.strictEqual(r.area(), area(2, 3));\n});";
      assert.deepEqual(await calledNames(snippet, 'javascript'), ['test', 'Rectangle', 'strictEqual', 'area']);
    });

    it('orders chained calls as they read', async () => {
      assert.deepEqual(await calledNames('const v = load(path).parse().value();', 'typescript'), [
        'load',
        'parse',
        'value',
      ]);
    });
  });
});
