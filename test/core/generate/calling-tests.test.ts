import * as assert from 'node:assert/strict';
import path from 'node:path';
import { selectAdapter } from '../../../src/core';
import { failingCallers, findCallingTests } from '../../../src/core/generate/calling-tests';
import type { TestCaseResult, TestReport } from '../../../src/core/testing/types';
import { FIXTURE_PROJECTS } from '../../support/projects';

function report(tests: Array<Pick<TestCaseResult, 'id' | 'name' | 'file' | 'status'>>): TestReport {
  return {
    framework: 'pytest',
    tests: tests.map((t) => ({ ...t, frames: [] })),
    counts: { passed: 0, failed: tests.length, errored: 0, skipped: 0 },
    exitCode: 1,
    timedOut: false,
    output: '',
    durationMs: 1,
  };
}

describe('generate/calling-tests', () => {
  const root = path.join(FIXTURE_PROJECTS, 'generate-python');

  it('finds the test functions that call the stub, with their code, in the framework’s test files', async () => {
    const adapter = await selectAdapter(root, 'python3 -m pytest');
    const found = await findCallingTests(root, adapter, 'stats/core.py', 'mean');
    assert.deepEqual(
      found.callers.map((c) => [c.file, c.definition.fullName]),
      [
        ['tests/test_core.py', 'test_mean_of_three'],
        ['tests/test_core.py', 'test_mean_of_one'],
      ],
    );
    assert.match(found.callers[0]!.text, /^def test_mean_of_three\(\):\n {4}assert mean/);
    assert.deepEqual((await findCallingTests(root, adapter, 'stats/core.py', 'spread')).callers, []);
  });

  it('keeps, of the baseline’s failures, those of the callers: a test failing for its own reasons is not the goal', async () => {
    const adapter = await selectAdapter(root, 'python3 -m pytest');
    const found = await findCallingTests(root, adapter, 'stats/core.py', 'mean');
    const file = 'tests/test_core.py';
    const baseline = report([
      { id: `${file}::test_mean_of_three`, name: 'test_mean_of_three', file, status: 'failed' },
      { id: `${file}::test_mean_of_one`, name: 'test_mean_of_one', file, status: 'errored' },
      { id: `${file}::test_median_odd`, name: 'test_median_odd', file, status: 'passed' },
      {
        id: `${file}::test_median_of_pair_is_known_wrong`,
        name: 'test_median_of_pair_is_known_wrong',
        file,
        status: 'failed',
      },
    ]);
    assert.deepEqual(failingCallers(baseline, found), [`${file}::test_mean_of_three`, `${file}::test_mean_of_one`]);
  });
});
