import assert from 'node:assert/strict';
import { findTestDefinitions, languageForFile, type TestDefinition } from '../../../src/core/syntax';
import {
  type ForeignItem,
  type ItemMatch,
  matchItem,
  namesFile,
  splitCase,
} from '../../../src/extension/logic/item-match';

const PYTHON = `import pytest


class TestCart:
    def test_total(self):
        assert total([]) == 0


class TestOther:
    def test_total(self):
        assert True


@pytest.mark.parametrize("a,b", [(1, 2), (2, 3)])
def test_add(a, b):
    assert a + 1 == b
`;

const JAVASCRIPT = `const { describe, it } = require('node:test');

describe('cart', () => {
  it('totals', () => {});
  it.each([1, 2])('adds %d', (n) => {});
});
`;

async function definitionsOf(text: string, file: string): Promise<TestDefinition[]> {
  return findTestDefinitions(text, file, languageForFile(file)!);
}

function item(label: string, extra: Partial<ForeignItem> = {}): ForeignItem {
  return { label, parentLabels: [], parentIsSameFile: true, ...extra };
}

function fullName(match: ItemMatch): string | undefined {
  return match.kind === 'test' ? match.definition.fullName + (match.case ?? '') : match.kind;
}

describe('matching another controller\u2019s test item to a test definition', () => {
  let python: TestDefinition[];
  let javascript: TestDefinition[];
  before(async () => {
    python = await definitionsOf(PYTHON, 'tests/test_cart.py');
    javascript = await definitionsOf(JAVASCRIPT, 'test/cart.test.js');
  });

  it('takes the test at the item\u2019s line (0-based) when it has a range', () => {
    assert.equal(
      fullName(matchItem(python, item('test_total', { line: 9 }), 'tests/test_cart.py')),
      'TestOther::test_total',
    );
    assert.equal(
      fullName(matchItem(python, item('test_total', { line: 4 }), 'tests/test_cart.py')),
      'TestCart::test_total',
    );
  });

  it('finds the test by label without a range, the parents deciding between namesakes', () => {
    const parents = ['tests', 'test_cart.py', 'TestOther'];
    assert.equal(
      fullName(matchItem(python, item('test_total', { parentLabels: parents }), 'tests/test_cart.py')),
      'TestOther::test_total',
    );
    assert.equal(fullName(matchItem(javascript, item('totals'), 'test/cart.test.js')), 'cart > totals');
  });

  it('prefers a definition of the item\u2019s very name over a stale range', () => {
    // Line 4 is TestCart::test_total, but the item is test_add: the file changed since it was found.
    assert.equal(fullName(matchItem(python, item('test_add', { line: 4 }), 'tests/test_cart.py')), 'test_add');
  });

  it('keeps a parametrized case for pytest and matches computed names by their pattern', () => {
    assert.equal(fullName(matchItem(python, item('test_add[1-2]'), 'tests/test_cart.py')), 'test_add[1-2]');
    assert.equal(
      fullName(matchItem(javascript, item('adds 2', { parentLabels: ['cart'] }), 'test/cart.test.js')),
      'cart > adds %d',
    );
  });

  it('calls the file\u2019s own item a file, and says "none" for a test that is not there', () => {
    const fileItem = { parentIsSameFile: false };
    assert.equal(fullName(matchItem(python, item('test_cart.py', fileItem), 'tests/test_cart.py')), 'file');
    assert.equal(fullName(matchItem(python, item('Cart tests', fileItem), 'tests/test_cart.py')), 'file');
    assert.equal(fullName(matchItem(python, item('test_missing', { line: 1 }), 'tests/test_cart.py')), 'none');
    assert.equal(fullName(matchItem(python, item('test_missing'), 'tests/test_cart.py')), 'none');
  });

  it('splits pytest cases and Go subtests off a label, and knows a file by its name', () => {
    assert.deepEqual(splitCase(' test_add[1-2] '), { name: 'test_add', case: '[1-2]' });
    assert.deepEqual(splitCase('TestParse/empty_input'), { name: 'TestParse' });
    assert.deepEqual(splitCase('a/b is fine'), { name: 'a/b is fine' });
    for (const label of ['test_cart.py', 'test_cart', 'tests/test_cart.py', 'pkg/tests/test_cart.py']) {
      assert.ok(namesFile(label, 'tests/test_cart.py'), label);
    }
    assert.ok(!namesFile('test_total', 'tests/test_cart.py'));
  });
});
