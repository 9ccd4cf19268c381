import * as assert from 'node:assert/strict';
import { listFunctions } from '../../../src/core/syntax';
import { suspectSnippets, WHOLE_FILE_LINES } from '../../../src/core/localize/context';
import type { Suspect } from '../../../src/core/localize/rank';
import { Sources } from '../../../src/core/localize/sources';
import type { CodeSnippet } from '../../../src/core/repair/prompt';

const filler = Array.from({ length: 40 }, (_, i) => `def filler_${i}():\n    return ${i}\n`).join('\n');
const LARGE = `"""Shapes."""
import math
from collections import deque
from .units import (
    to_metres,
    to_feet,
)

SCALE = 2
UNUSED = 3

${filler}

class Circle(
        Shape):
    """A circle."""

    def __init__(self, r):
        self.r = r
        self.queue = deque()

    def area(self):
        return math.pi * to_metres(self.r) ** 2 * SCALE
`;
const SMALL = 'def a():\n    return 1\n\n\ndef b():\n    return a()\n';

function sourcesOf(files: Record<string, string>): Sources {
  return new Sources(Object.keys(files), async (f) => files[f]);
}

async function suspect(files: Record<string, string>, file: string, name: string): Promise<Suspect> {
  const fn = (await listFunctions(files[file]!, file, 'python')).find((f) => f.name === name);
  assert.ok(fn, name);
  return { fn };
}

/** Each snippet is an exact run of whole lines of its file, as its line numbers say. */
function assertExactSlices(snippets: CodeSnippet[], files: Record<string, string>): void {
  for (const s of snippets) {
    const lines = files[s.file]!.split('\n').slice(s.startLine - 1, s.endLine);
    assert.equal(s.text, lines.join('\n'), s.label);
  }
}

describe('localize/context', () => {
  const files = { 'shapes.py': LARGE, 'small.py': SMALL };

  it('shows a method whole, its class header, and only the imports and constants it uses', async () => {
    const snippets = await suspectSnippets([await suspect(files, 'shapes.py', 'Circle.area')], sourcesOf(files));
    assertExactSlices(snippets, files);
    assert.deepEqual(
      snippets.map((s) => [s.label, s.group]),
      [
        ['function Circle.area, lines 141-142', 0],
        ['class Circle header, lines 133-134', 0],
        ['imports it uses, lines 2-2', 0],
        ['imports it uses, lines 4-7', 0],
        ['imports and constants it uses, lines 9-9', 0],
      ],
    );
    assert.equal(snippets[0]!.text, '    def area(self):\n        return math.pi * to_metres(self.r) ** 2 * SCALE');
    assert.equal(snippets[1]!.text, 'class Circle(\n        Shape):');
    const shown = snippets.map((s) => s.text).join('\n');
    for (const unused of ['deque', 'UNUSED', 'filler_0']) assert.ok(!shown.includes(unused), unused);
  });

  it('shows what two suspects share once, in the group of the first', async () => {
    const suspects = [
      await suspect(files, 'shapes.py', 'Circle.area'),
      await suspect(files, 'shapes.py', 'Circle.__init__'),
    ];
    const snippets = await suspectSnippets(suspects, sourcesOf(files));
    assertExactSlices(snippets, files);
    const second = snippets.filter((s) => s.group === 1).map((s) => s.label);
    assert.deepEqual(second, ['function Circle.__init__, lines 137-139', 'imports it uses, lines 3-3']);
  });

  it('shows a small file whole, once, naming its suspects; a large file never whole', async () => {
    const suspects = [
      await suspect(files, 'small.py', 'b'),
      await suspect(files, 'shapes.py', 'filler_3'),
      await suspect(files, 'small.py', 'a'),
    ];
    const snippets = await suspectSnippets(suspects, sourcesOf(files));
    assert.ok(SMALL.split('\n').length <= WHOLE_FILE_LINES);
    assert.deepEqual(
      snippets.map((s) => [s.file, s.label, s.group]),
      [
        ['small.py', 'whole file, 6 lines; the failure points at b (lines 5-6), a (lines 1-2)', 0],
        ['shapes.py', 'function filler_3, lines 21-22', 1],
      ],
    );
    assert.equal(snippets[0]!.text, SMALL);
  });
});
