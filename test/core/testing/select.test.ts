import assert from 'node:assert/strict';
import { nodeTestAdapter } from '../../../src/core/testing/node-test';
import { pytestAdapter } from '../../../src/core/testing/pytest';
import type { TestCaseResult } from '../../../src/core/testing/types';

function failed(id: string, name: string, file?: string): TestCaseResult {
  return { id, name, status: 'failed', frames: [], ...(file ? { file } : {}) };
}

describe('narrowing a test command to some tests', () => {
  it('adds pytest node ids to a plain pytest command, quoted for the shell', () => {
    assert.equal(
      pytestAdapter.selectTests!('python3 -m pytest', [failed('tests/t.py::test_a[1-2]', 'test_a[1-2]')], 'tests'),
      "python3 -m pytest 'tests/t.py::test_a[1-2]'",
    );
  });

  it('gives node --test an exact name pattern, before its own arguments', () => {
    assert.equal(
      nodeTestAdapter.selectTests!('node --test test/', [failed('test/a.test.js > adds (1.5)', 'adds (1.5)')], 'tests'),
      "node '--test-name-pattern=^(?:adds \\(1\\.5\\))$' --test test/",
    );
  });

  it('runs the whole suite when the command cannot be narrowed', () => {
    const tests = [failed('test/a.test.js > adds', 'adds')];
    assert.equal(nodeTestAdapter.selectTests!('npm test', tests, 'tests'), undefined);
    assert.equal(pytestAdapter.selectTests!('cd app && pytest', [failed('t.py::a', 'a')], 'tests'), undefined);
    assert.equal(pytestAdapter.selectTests!('pytest', [], 'tests'), undefined);
  });

  it('narrows pytest to the files of the tests, each once', () => {
    const tests = [
      failed('tests/t.py::A::test_a', 'test_a', 'tests/t.py'),
      failed('tests/t.py::test_b', 'test_b', 'tests/t.py'),
      failed('tests/u.py::test_c', 'test_c'),
    ];
    assert.equal(pytestAdapter.selectTests!('pytest -q', tests, 'files'), 'pytest -q tests/t.py tests/u.py');
  });

  it('has no file scope for node --test', () => {
    const tests = [failed('test/a.test.js > adds', 'adds', 'test/a.test.js')];
    assert.equal(nodeTestAdapter.selectTests!('node --test', tests, 'files'), undefined);
  });
});
