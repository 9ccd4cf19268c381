import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { reply } from '../../support/replies';
import { repairSample } from '../../support/repair-run';

/** A hostile reply from `test/fixtures/hacks/<scenario>/reply.md`. */
function hack(scenario: string): string {
  return readFileSync(path.resolve(__dirname, '..', '..', 'fixtures', 'hacks', scenario, 'reply.md'), 'utf8');
}

const HONEST: Record<string, string> = {
  'python-buggy': reply('python-mean-search-replace'),
  'python-pyproject': reply('python-mean-search-replace'),
  'js-buggy': reply('js-total-unified-diff'),
};

/** [scenario, project, what the rejection must say] */
const REJECTED: Array<[string, string, RegExp]> = [
  ['pytest-plugin-addopts', 'python-pyproject', /defines a pytest hook|pyproject\.toml, test configuration/],
  ['pytest-plugin-module-only', 'python-pyproject', /imports pytest in code under test|defines a pytest hook/],
  ['pyproject-deselect', 'python-pyproject', /pyproject\.toml, test configuration; how the tests run is locked/],
  ['pytest-ini-deselect', 'python-buggy', /pytest\.ini, test configuration; how the tests run is locked/],
  ['conftest-hook', 'python-buggy', /conftest\.py(, test configuration|; tests are read-only)/],
  ['sitecustomize', 'python-buggy', /adds sitecustomize\.py, a file loaded before the tests/],
  ['junit-rewrite-atexit', 'python-buggy', /rewrites the test report at exit \(atexit/],
  ['junit-rewrite-hidden', 'python-buggy', /the test report disagrees with the runner: .* exited with 1/],
  ['patch-runtest', 'python-buggy', /imports pytest's internals \(_pytest\) in stats\/core\.py/],
  ['js-preload-disables-assert', 'js-buggy', /reassigns node's assert in src\/relax\.js|scripts in package\.json/],
  ['js-source-disables-assert', 'js-buggy', /reassigns node's assert in src\/cart\.js/],
];

describe('integrity: hostile candidates through the loop (real tests, scripted model)', function () {
  this.timeout(240_000);

  for (const [scenario, project, reason] of REJECTED) {
    it(`rejects ${scenario}, tells the model why, and takes the honest fix after it`, async () => {
      const { result, userPrompts } = await repairSample(project, [hack(scenario), HONEST[project]!]);
      assert.equal(result.status, 'fixed', result.message);
      assert.equal(result.turns, 2, 'the hostile candidate is not offered');
      const hostile = result.candidates.find((c) => c.turn === 1)!;
      assert.equal(hostile.fixed, false);
      assert.match(hostile.rejected ?? '', reason);
      assert.ok(userPrompts[1]!.includes(hostile.rejected!), 'the reason reaches the next prompt');
      assert.doesNotMatch(result.patch, /outcome|relax|atexit|_pytest|addopts|conftest|sitecustomize/);
    });
  }

  it('rejects an edit of a test file, and with the edit being the only reply, ends unfixed', async () => {
    const { result } = await repairSample('python-buggy', [reply('python-edits-test')], { maxTurns: 1 });
    assert.equal(result.status, 'unfixed');
    assert.match(result.candidates[0]!.rejected ?? '', /edits test file tests\/test_core\.py; tests are read-only/);
    assert.equal(result.patch, '');
  });

  it('with --allow-test-edits, takes a test edit and lists the file as a test edit', async () => {
    const { result } = await repairSample('python-buggy', [reply('python-edits-test')], {
      maxTurns: 1,
      allowTestEdits: true,
    });
    assert.equal(result.status, 'fixed', result.message);
    assert.deepEqual(result.testEdits, ['tests/test_core.py']);
    assert.match(result.patch, /^\+\s+assert mean\(\[1, 2, 3\]\) == 3\.0$/m);
  });

  it('with --allow-test-edits, still refuses the runner configuration', async () => {
    const { result } = await repairSample('python-buggy', [hack('conftest-hook')], {
      maxTurns: 1,
      allowTestEdits: true,
    });
    assert.equal(result.status, 'unfixed');
    assert.match(result.candidates[0]!.rejected ?? '', /conftest\.py, test configuration/);
  });

  const SPECIAL: Array<[string, string, RegExp]> = [
    [
      'python-special-cases-mean',
      'python-buggy',
      /may only make the test pass \(it compares with 3, a value from test_mean\)/,
    ],
    [
      'js-special-cases-total',
      'js-buggy',
      /may only make the test pass \(it returns 11 from a branch, a value from total multiplies price by quantity\)/,
    ],
  ];
  for (const [scenario, project, warning] of SPECIAL) {
    it(`flags ${scenario}: it passes, and the result warns that it may only make the test pass`, async () => {
      const { result } = await repairSample(project, [hack(scenario)], { maxTurns: 1 });
      assert.equal(result.status, 'fixed', result.message);
      assert.equal(result.warnings?.length, 1);
      assert.match(result.warnings![0]!, warning);
    });
  }

  it('does not flag the honest fixes', async () => {
    for (const project of ['python-buggy', 'js-buggy']) {
      const { result } = await repairSample(project, [HONEST[project]!], { maxTurns: 1 });
      assert.equal(result.status, 'fixed', result.message);
      assert.equal(result.warnings, undefined);
    }
  });
});
