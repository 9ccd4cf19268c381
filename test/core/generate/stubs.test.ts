import * as assert from 'node:assert/strict';
import { findStubs, functionShapes } from '../../../src/core/generate';
import type { LanguageId } from '../../../src/core/syntax';

/** Name → stub body of each stub (real tree-sitter grammars), in source order. */
async function stubs(text: string, lang: LanguageId): Promise<Array<[string, string]>> {
  return (await findStubs(text, `file.${lang}`, lang)).map((s) => [s.name, s.stubBody]);
}

describe('generate/stubs', () => {
  it('Python: pass, ..., raise NotImplementedError, a docstring alone; methods; docs from a docstring or comments', async () => {
    const text = [
      '# Arithmetic mean.',
      'def mean(xs):',
      '    pass',
      '',
      'def median(xs):',
      '    """Middle value."""',
      '',
      'def total(xs):',
      '    """Sum."""',
      '    return sum(xs)',
      '',
      'def bare(xs):',
      '    ...',
      '',
      'class Summary:',
      '    def spread(self):',
      '        """Largest minus smallest."""',
      '        raise NotImplementedError("later")',
      '',
      '    @property',
      '    def size(self):',
      '        """How many."""',
      '        ...',
      '',
    ].join('\n');
    assert.deepEqual(await stubs(text, 'python'), [
      ['mean', 'pass'],
      ['median', ''],
      ['Summary.spread', 'raise NotImplementedError("later")'],
      ['Summary.size', '...'],
    ]);
    const shapes = await functionShapes(text, 'm.py', 'python');
    const bare = shapes.find((s) => s.name === 'bare')!;
    assert.equal(bare.stubBody, '...', 'a stub body');
    assert.equal(bare.docs, '', 'but nothing says what it should do: not offered');
    assert.equal(shapes.find((s) => s.name === 'total')!.stubBody, undefined);
    const mean = shapes.find((s) => s.name === 'mean')!;
    assert.equal(mean.signature, 'def mean(xs):');
    assert.equal(mean.docs, '# Arithmetic mean.');
    assert.deepEqual([mean.range.startLine, mean.range.endLine], [2, 3]);
  });

  it('JavaScript: throw new Error(...) or an empty body, in functions, arrow functions, methods and exports', async () => {
    const text = [
      '/** Area of a rectangle. */',
      'function area(w, h) {',
      "  throw new Error('not implemented');",
      '}',
      '// Doubles.',
      'const double = (x) => {};',
      '// Triples: an expression body is code.',
      'const triple = (x) => x * 3;',
      'class Shape {',
      '  /** The name. */',
      '  name() {',
      '    // to be written',
      '  }',
      '  /** Real. */',
      '  size() {',
      '    return 1;',
      '  }',
      '}',
      'module.exports.scale = function (x) {',
      '  // Scales.',
      "  throw new TypeError('todo');",
      '};',
      '/** Undocumented? No: documented, but it validates. */',
      'function check(x) {',
      "  if (!x) throw new Error('bad');",
      '}',
    ].join('\n');
    assert.deepEqual(await stubs(text, 'javascript'), [
      ['area', "throw new Error('not implemented');"],
      ['double', ''],
      ['Shape.name', ''],
      ['scale', "throw new TypeError('todo');"],
    ]);
  });

  it('TypeScript and TSX: exported, typed and class members', async () => {
    const ts = [
      '/** Distance between two points. */',
      'export function distance(a: Point, b: Point): number {',
      "  throw new Error('not implemented');",
      '}',
      'export class Grid {',
      '  /** Cells in a row. */',
      '  width(): number {',
      "    throw new Error('not implemented');",
      '  }',
      '}',
      'export const clamp = (x: number): number => Math.max(0, x);',
    ].join('\n');
    assert.deepEqual(await stubs(ts, 'typescript'), [
      ['distance', "throw new Error('not implemented');"],
      ['Grid.width', "throw new Error('not implemented');"],
    ]);
    const tsx = [
      '/** The badge for a count. */',
      'export function Badge({ count }: { count: number }): JSX.Element {',
      "  throw new Error('not implemented');",
      '}',
      'export function Label(): JSX.Element {',
      '  return <span>label</span>;',
      '}',
    ].join('\n');
    assert.deepEqual(await stubs(tsx, 'tsx'), [['Badge', "throw new Error('not implemented');"]]);
  });

  it('Go: panic("not implemented") or an empty body, functions and methods', async () => {
    const text = [
      'package stats',
      '',
      '// Mean returns the arithmetic mean.',
      'func Mean(xs []float64) float64 {',
      '\tpanic("not implemented")',
      '}',
      '',
      '// Reset empties the summary.',
      'func (s *Summary) Reset() {',
      '}',
      '',
      '// Sum adds them up.',
      'func Sum(xs []float64) float64 {',
      '\ttotal := 0.0',
      '\tfor _, x := range xs {',
      '\t\ttotal += x',
      '\t}',
      '\treturn total',
      '}',
      '',
      '// Fail panics for real.',
      'func Fail() {',
      '\tpanic("broken input")',
      '}',
    ].join('\n');
    assert.deepEqual(await stubs(text, 'go'), [
      ['Mean', 'panic("not implemented")'],
      ['Summary.Reset', ''],
    ]);
  });

  it('Rust: todo!(), unimplemented!() or an empty body; doc comments above attributes; impl methods', async () => {
    const text = [
      '/// Mean of the values.',
      '#[must_use]',
      'pub fn mean(values: &[f64]) -> Option<f64> {',
      '    todo!()',
      '}',
      '',
      'impl Stack {',
      '    /// Drops every item.',
      '    pub fn clear(&mut self) {',
      '        unimplemented!("clear");',
      '    }',
      '',
      '    /// How many items.',
      '    pub fn len(&self) -> usize {',
      '        self.items.len()',
      '    }',
      '}',
      '',
      '// Nothing yet.',
      'fn warm_up() {}',
    ].join('\n');
    assert.deepEqual(await stubs(text, 'rust'), [
      ['mean', 'todo!()'],
      ['Stack.clear', 'unimplemented!("clear");'],
      ['warm_up', ''],
    ]);
    const mean = (await functionShapes(text, 'lib.rs', 'rust')).find((s) => s.name === 'mean')!;
    assert.match(mean.docs, /^\/\/\/ Mean of the values\./);
    assert.equal(mean.signature, 'pub fn mean(values: &[f64]) -> Option<f64>');
  });
});
