import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findTestDefinitions } from '../../src/core/syntax';
import { LineIndex, nestDefinitions, type TestNode } from '../../src/extension/logic/test-tree';

const EXTENSION_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'extension');

/** The tree as `id` lines, children indented: what the Test Explorer shows under a file. */
function outline(nodes: readonly TestNode[], depth = 0): string[] {
  return nodes.flatMap((node) => [`${'  '.repeat(depth)}${node.testId}`, ...outline(node.children, depth + 1)]);
}

describe('the Test Explorer tree of a test file', function () {
  it('puts node --test tests under their describe, nested suites included', async () => {
    const file = 'test/math.test.js';
    const text = await readFile(path.join(EXTENSION_FIXTURES, 'node-describe-nested', file), 'utf8');
    const nodes = nestDefinitions(
      await findTestDefinitions(text, file, 'javascript'),
      'node-test',
      { root: '/project', place: '' },
      file,
    );
    assert.deepEqual(outline(nodes), [
      'test/math.test.js > half',
      '  test/math.test.js > half > halves even numbers',
      '  test/math.test.js > half > odd numbers',
      '    test/math.test.js > half > odd numbers > keeps the fraction',
      'test/math.test.js > half of zero',
    ]);
  });

  it('puts pytest methods under their class, with pytest ids', async () => {
    const file = 'tests/test_shapes.py';
    const text = await readFile(path.join(EXTENSION_FIXTURES, 'pytest-classes-params', file), 'utf8');
    const nodes = nestDefinitions(
      await findTestDefinitions(text, file, 'python'),
      'pytest',
      { root: '/project', place: '' },
      file,
    );
    assert.deepEqual(outline(nodes), [
      'tests/test_shapes.py::TestArea',
      '  tests/test_shapes.py::TestArea::test_square',
      '  tests/test_shapes.py::TestArea::test_rectangle',
      'tests/test_shapes.py::test_area_table',
      'tests/test_shapes.py::test_zero_width',
    ]);
  });

  it('keeps a name defined twice once, the first definition', async () => {
    const file = 'test/twice.test.js';
    const text =
      "const { test } = require('node:test');\ntest('same', () => {});\ntest('same', () => {});\ntest('other', () => {});\n";
    const nodes = nestDefinitions(
      await findTestDefinitions(text, file, 'javascript'),
      'node-test',
      { root: '/project', place: '' },
      file,
    );
    assert.deepEqual(outline(nodes), ['test/twice.test.js > same', 'test/twice.test.js > other']);
    assert.equal(nodes[0]!.definition.range.startLine, 2);
  });
});

describe('LineIndex', function () {
  it('turns offsets into 0-based lines and characters', () => {
    const lines = new LineIndex('ab\ncde\n\nf');
    assert.deepEqual(lines.at(0), { line: 0, character: 0 });
    assert.deepEqual(lines.at(2), { line: 0, character: 2 }); // the newline ends its line
    assert.deepEqual(lines.at(3), { line: 1, character: 0 });
    assert.deepEqual(lines.at(5), { line: 1, character: 2 });
    assert.deepEqual(lines.at(7), { line: 2, character: 0 });
    assert.deepEqual(lines.at(8), { line: 3, character: 0 });
    assert.deepEqual(lines.at(9), { line: 3, character: 1 }); // the end of the text
  });
});
