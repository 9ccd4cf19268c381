import * as assert from 'node:assert/strict';
import { findSyntaxProblems, replaceFunctionDefinition } from '../../../src/core/syntax';
import { fixture } from './fixtures';

/** `source` with its one occurrence of `before` swapped for `after`: everything else must stay byte-identical. */
function expectSwap(source: string, before: string, after: string): string {
  const at = source.indexOf(before);
  assert.ok(
    at >= 0 && source.indexOf(before, at + 1) < 0,
    `fixture should contain exactly one ${JSON.stringify(before.split('\n')[0])}`,
  );
  return source.slice(0, at) + after + source.slice(at + before.length);
}

describe('syntax/replaceFunctionDefinition', () => {
  const stats = fixture('python-module', 'stats.py');
  const shapes = fixture('javascript-module', 'shapes.js');
  const geometry = fixture('typescript-module', 'geometry.ts');

  it('replaces a top-level Python function', async () => {
    const newCode = 'def mean(values):\n    if not values:\n        return 0.0\n    return sum(values) / len(values)\n';
    const result = await replaceFunctionDefinition(stats, 'python', newCode);
    assert.equal(
      result,
      expectSwap(
        stats,
        'def mean(values):\n    return sum(values) / len(values)',
        'def mean(values):\n    if not values:\n        return 0.0\n    return sum(values) / len(values)',
      ),
    );
  });

  it('indents a Python method given at column 0 into its class and keeps its decorator', async () => {
    const newCode = 'def count(self):\n    """Number of values."""\n    return len(self.values)\n';
    const result = await replaceFunctionDefinition(stats, 'python', newCode);
    assert.equal(
      result,
      expectSwap(
        stats,
        '    def count(self):\n        return len(self.values)',
        '    def count(self):\n        """Number of values."""\n        return len(self.values)',
      ),
    );
    assert.deepEqual(await findSyntaxProblems(result!, 'python'), []);
  });

  it('takes the decorators a reply gives in place of the old ones', async () => {
    const newCode = '@classmethod\ndef describe(cls, values):\n    return f"n={len(values)}"\n';
    const result = await replaceFunctionDefinition(stats, 'python', newCode);
    assert.equal(
      result,
      expectSwap(
        stats,
        '    @staticmethod\n    def describe(values):\n',
        '    @classmethod\n    def describe(cls, values):\n',
      ),
    );
  });

  it('accepts a Python method copied with its class indentation', async () => {
    const newCode = '    def __init__(self, values):\n        self.values = sorted(values)\n';
    // __init__ exists in two classes, so this is ambiguous ...
    assert.equal(await replaceFunctionDefinition(stats, 'python', newCode), undefined);
    // ... while a unique method copied with its indent is found and lands at the same place.
    const fetch =
      '    async def fetch_total(source):\n        rows = await source.rows()\n        return sum(rows or [])\n';
    assert.equal(
      await replaceFunctionDefinition(stats, 'python', fetch),
      expectSwap(stats, 'return sum(rows)', 'return sum(rows or [])'),
    );
  });

  it('returns undefined when the name is defined twice in the source', async () => {
    const newCode = 'def spread(self):\n    return 0\n';
    assert.equal(await replaceFunctionDefinition(stats, 'python', newCode), undefined);
  });

  it('returns undefined when no function matches, or the code does not parse', async () => {
    assert.equal(await replaceFunctionDefinition(stats, 'python', 'def variance(values):\n    return 0\n'), undefined);
    assert.equal(await replaceFunctionDefinition(stats, 'python', 'x = 1\n'), undefined);
    assert.equal(await replaceFunctionDefinition(stats, 'python', 'def mean(values:\n    return 0\n'), undefined);
  });

  it('replaces a JavaScript arrow function', async () => {
    const newCode = 'const perimeter = (width, height) => {\n  return 2 * width + 2 * height;\n};';
    assert.equal(
      await replaceFunctionDefinition(shapes, 'javascript', newCode),
      expectSwap(shapes, 'const perimeter = (width, height) => 2 * (width + height);', newCode),
    );
  });

  it('replaces a JavaScript class method given alone, re-indented into the class', async () => {
    const newCode = 'area() {\n  return this.width * this.height;\n}\n';
    assert.equal(
      await replaceFunctionDefinition(shapes, 'javascript', newCode),
      expectSwap(
        shapes,
        '  area() {\n    return area(this.width, this.height);\n  }',
        '  area() {\n    return this.width * this.height;\n  }',
      ),
    );
  });

  it('tells a function from a method of the same name by how the reply writes it', async () => {
    const newCode = 'function area(width, height) {\n  return Math.abs(width * height);\n}';
    assert.equal(
      await replaceFunctionDefinition(shapes, 'javascript', newCode),
      expectSwap(shapes, 'function area(width, height) {\n  return width * height;\n}', newCode),
    );
  });

  it('replaces a TypeScript function with types and keeps its export keyword once', async () => {
    const clamp =
      'function clamp<T extends number>(value: T, low: T, high: T): number {\n  if (low > high) return value;\n  return Math.min(Math.max(value, low), high);\n}';
    assert.equal(
      await replaceFunctionDefinition(geometry, 'typescript', clamp),
      expectSwap(
        geometry,
        'function clamp<T extends number>(value: T, low: T, high: T): number {\n',
        'function clamp<T extends number>(value: T, low: T, high: T): number {\n  if (low > high) return value;\n',
      ),
    );
    const distance =
      'export function distance(a: Point, b: Point): number {\n  return Math.hypot(a.x - b.x, a.y - b.y);\n}\n';
    assert.equal(
      await replaceFunctionDefinition(geometry, 'typescript', distance),
      expectSwap(
        geometry,
        'export function distance(a: Point, b: Point): number {\n  const dx = a.x - b.x;\n  const dy = a.y - b.y;\n  return Math.sqrt(dx * dx + dy * dy);\n}',
        distance.trimEnd(),
      ),
    );
  });

  it('replaces several functions at once and inserts a helper the reply added', async () => {
    const newCode = [
      'def _total(values):',
      '    return float(sum(values))',
      '',
      '',
      'def mean(values):',
      '    return _total(values) / len(values)',
      '',
      '',
      'async def fetch_total(source):',
      '    return _total(await source.rows())',
      '',
    ].join('\n');
    const result = await replaceFunctionDefinition(stats, 'python', newCode);
    let expected = expectSwap(
      stats,
      'def mean(values):\n    return sum(values) / len(values)',
      'def _total(values):\n    return float(sum(values))\n\n\ndef mean(values):\n    return _total(values) / len(values)',
    );
    expected = expectSwap(
      expected,
      '    rows = await source.rows()\n    return sum(rows)',
      '    return _total(await source.rows())',
    );
    assert.equal(result, expected);
  });

  it('keeps Windows line endings and template literal contents as they were', async () => {
    const source = 'const a = 1;\r\nclass Report {\r\n  render() {\r\n    return "old";\r\n  }\r\n}\r\n';
    const newCode = 'render() {\n  return `line one\n  line two`;\n}';
    assert.equal(
      await replaceFunctionDefinition(source, 'javascript', newCode),
      'const a = 1;\r\nclass Report {\r\n  render() {\r\n    return `line one\r\n  line two`;\r\n  }\r\n}\r\n',
    );
  });
});
