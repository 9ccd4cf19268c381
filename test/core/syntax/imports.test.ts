import * as assert from 'node:assert/strict';
import { enclosingClassHeaders } from '../../../src/core/syntax/classes';
import { identifiersIn, listModuleBindings } from '../../../src/core/syntax/imports';

const PYTHON = `"""A module."""
import os.path
import numpy as np, sys
from .recipes import (
    take as first_n,
    consume,
)
from .. import sibling
from pkg.mod import *
try:
    import simplejson as json
except ImportError:
    json = None

LIMIT = 10
A, B = 1, 2
TABLE = {
    "a": 1,
    "b": 2,
    "c": 3,
}


def f(x):
    import inner
    return x
`;

const SCRIPT = `import fs from 'node:fs';
import { a as b, c } from './c.js';
import * as ns from '../ns';
export * from './again.js';
export { d as e } from './d';
const { q, r: s } = require('./q');
const t = require('./t'), LIMIT = 3;
export const WIDTH = 40;
const helper = () => 1;
function f() { const inner = require('./inner'); }
`;

describe('syntax/imports', () => {
  it('lists Python imports with what they bind and where from, and short constants; not what functions import', async () => {
    const rows = (await listModuleBindings(PYTHON, 'python')).map((b) => [
      b.kind,
      b.range.startLine,
      b.range.endLine,
      b.bound.join(' '),
      b.imports.map((i) => `${i.form}:${i.source}${i.star ? ':*' : ''}`).join(' '),
    ]);
    assert.deepEqual(rows, [
      ['import', 2, 2, 'os', 'module:os.path'],
      ['import', 3, 3, 'np sys', 'module:numpy module:sys'],
      ['import', 4, 7, 'first_n consume', 'names:.recipes'],
      ['import', 8, 8, 'sibling', 'names:..'],
      ['import', 9, 9, '', 'names:pkg.mod:*'],
      ['import', 11, 11, 'json', 'module:simplejson'],
      ['constant', 13, 13, 'json', ''],
      ['constant', 15, 15, 'LIMIT', ''],
      ['constant', 16, 16, 'A B', ''],
    ]);
    const recipes = (await listModuleBindings(PYTHON, 'python'))[2]!;
    assert.deepEqual(recipes.imports[0]!.names, [
      { imported: 'take', bound: 'first_n' },
      { imported: 'consume', bound: 'consume' },
    ]);
  });

  it('lists JavaScript imports, re-exports and requires, and constants that are not functions', async () => {
    const rows = (await listModuleBindings(SCRIPT, 'javascript')).map((b) => [
      b.kind,
      b.range.startLine,
      b.bound.join(' '),
      b.imports.map((i) => `${i.form}:${i.source}${i.star ? ':*' : ''}${i.reexport ? ':re' : ''}`).join(' '),
    ]);
    assert.deepEqual(rows, [
      ['import', 1, 'fs', 'names:node:fs'],
      ['import', 2, 'b c', 'names:./c.js'],
      ['import', 3, 'ns', 'module:../ns'],
      ['import', 4, '', 'names:./again.js:*:re'],
      ['import', 5, 'e', 'names:./d:re'],
      ['import', 6, 'q s', 'names:./q'],
      ['import', 7, 't LIMIT', 'module:./t'],
      ['constant', 8, 'WIDTH', ''],
    ]);
  });

  it('names the identifiers a stretch of code uses; attribute names only when asked', async () => {
    const text = 'import os\n\ndef f(path):\n    return os.path.join(path, LIMIT)\n';
    const start = text.indexOf('def f');
    const range = { startIndex: start, endIndex: text.length };
    assert.deepEqual([...(await identifiersIn(text, 'python', range))].sort(), ['LIMIT', 'f', 'os', 'path']);
    const withAttributes = await identifiersIn(text, 'python', range, { properties: true });
    assert.ok(withAttributes.has('join'));
    const js = 'const x = 1;\nfunction g() { return m.call({ x }); }\n';
    const g = { startIndex: js.indexOf('function'), endIndex: js.length };
    assert.deepEqual([...(await identifiersIn(js, 'javascript', g))].sort(), ['g', 'm', 'x']);
    assert.ok((await identifiersIn(js, 'javascript', g, { properties: true })).has('call'));
  });

  it('gives the header lines of the classes around a method, outermost first, decorators included', async () => {
    const text =
      '@dataclass\nclass Outer(Base,\n            Mixin):\n    class Inner:\n        def m(self):\n            return 1\n';
    const headers = await enclosingClassHeaders(text, 'python', text.indexOf('def m'));
    assert.deepEqual(
      headers.map((h) => [h.name, h.range.startLine, h.range.endLine]),
      [
        ['Outer', 1, 3],
        ['Inner', 4, 4],
      ],
    );
    assert.equal(text.slice(headers[1]!.range.startIndex, headers[1]!.range.endIndex), '    class Inner:');
    const js = 'export class Cart extends Base {\n  total() {\n    return 0;\n  }\n}\n';
    const [cart] = await enclosingClassHeaders(js, 'javascript', js.indexOf('total'));
    assert.equal(js.slice(cart!.range.startIndex, cart!.range.endIndex), 'export class Cart extends Base {');
    assert.deepEqual(await enclosingClassHeaders(js, 'javascript', 0), []);
  });
});
