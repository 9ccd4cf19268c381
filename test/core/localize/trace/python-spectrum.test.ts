import { strict as assert } from 'node:assert';
import { spectrumFromCoverage } from '../../../../src/core/localize/trace/python-spectrum';
import { pytestAdapter, type TestCaseResult, type TestStatus } from '../../../../src/core/testing';

function result(id: string, status: TestStatus): TestCaseResult {
  return { id, name: id.split('::').pop()!, status, frames: [] };
}

/** What self_repair_trace.py writes in coverage mode, for one pytest process. */
function output(rootdir: string, tests: Record<string, [string | null, number[]]>) {
  return {
    mode: 'coverage',
    tracer: 'python-settrace',
    rootdir,
    functions: [
      ['pkg/core.py', 3, 'add'],
      ['pkg/core.py', 9, 'Box.get'],
      ['pkg/tests/test_core.py', 1, 'test_add'],
    ],
    tests: Object.fromEntries(Object.entries(tests).map(([id, [outcome, functions]]) => [id, { outcome, functions }])),
  };
}

describe('spectrumFromCoverage (the pytest plugin output in the report terms)', () => {
  it('maps node ids relative to a pytest rootdir below the project to the report ids, and drops test code', () => {
    const report = [
      result('pkg/tests/test_core.py::test_add', 'failed'),
      result('pkg/tests/test_core.py::test_get', 'passed'),
    ];
    const data = output('pkg', {
      'tests/test_core.py::test_add': ['failed', [0, 2]],
      'tests/test_core.py::test_get': ['passed', [0, 1]],
    });
    const spectrum = spectrumFromCoverage([data], report, pytestAdapter, 5);
    assert.deepEqual(spectrum, {
      source: 'python-settrace',
      functions: [
        {
          file: 'pkg/core.py',
          name: 'add',
          line: 3,
          failingTests: ['pkg/tests/test_core.py::test_add'],
          passingTests: 1,
        },
        { file: 'pkg/core.py', name: 'Box.get', line: 9, failingTests: [], passingTests: 1 },
      ],
      failingTraced: 1,
      passingTraced: 1,
      durationMs: 5,
    });
  });

  it('merges the files of several pytest-xdist workers; the report status wins over the plugin one', () => {
    const report = [result('t.py::a', 'errored'), result('t.py::b', 'passed'), result('t.py::c', 'skipped')];
    const workers = [
      output('.', { 't.py::a': ['passed', [1]], 't.py::c': ['skipped', [0]] }),
      output('.', { 't.py::b': ['passed', [0, 1]] }),
    ];
    const spectrum = spectrumFromCoverage(workers, report, pytestAdapter, 1);
    assert.deepEqual(
      spectrum?.functions.map((f) => [f.name, f.failingTests, f.passingTests]),
      [
        ['Box.get', ['t.py::a'], 1],
        ['add', [], 1],
      ],
    );
    assert.equal(spectrum?.failingTraced, 1);
    assert.equal(spectrum?.passingTraced, 1);
  });

  it('gives nothing without a traced failing test or without the plugin output', () => {
    const report = [result('t.py::b', 'passed')];
    assert.equal(
      spectrumFromCoverage([output('.', { 't.py::b': ['passed', [0]] })], report, pytestAdapter, 1),
      undefined,
    );
    assert.equal(spectrumFromCoverage([{ mode: 'values' }, 'junk', null], report, pytestAdapter, 1), undefined);
  });
});
