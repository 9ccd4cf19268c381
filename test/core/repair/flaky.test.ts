import assert from 'node:assert/strict';
import { flakyMessage } from '../../../src/core/repair/flaky';
import type { RepairEvent } from '../../../src/core/repair/types';
import { describeEvent } from '../../../src/core/report';
import { reply } from '../../support/replies';
import { repairSample } from '../../support/repair-run';

const WARM = 'tests/test_warmup.py::test_cache_is_warm';

describe('flaky tests', () => {
  it('words the flaky event and the ending for a person', () => {
    const event: RepairEvent = { type: 'flaky', tests: [WARM, 'x::y'], repaired: ['x::y'], runs: 3 };
    assert.equal(
      describeEvent(event).line,
      `flaky: ${WARM} (failed, then passed on the unchanged code; not repaired); ` +
        'x::y (failed, then passed; repaired as asked: a fix must pass it 3 times)',
    );
    assert.equal(flakyMessage([WARM]), `${WARM} is flaky: it failed, then passed on the unchanged code; not repaired`);
  });
});

describe('flaky tests in a repair (real tests, real HTTP, scripted model)', function () {
  this.timeout(180_000);

  it('reports a failing test that passes on the unchanged code as flaky and asks the model nothing', async () => {
    const { result, events, userPrompts } = await repairSample('python-flaky', [reply('python-warmup-always')]);
    assert.equal(userPrompts.length, 0, 'no request for a flaky test');
    assert.equal(result.status, 'unfixed');
    assert.equal(result.message, flakyMessage([WARM]));
    assert.deepEqual(result.flaky, [WARM]);
    assert.equal(result.patch, '');
    assert.deepEqual(
      // Progress events come only from runs that last a while: how many is the machine's doing.
      events.map((e) => e.type).filter((type) => type !== 'tests-progress'),
      ['baseline-started', 'baseline-finished', 'flaky-check-started', 'flaky', 'finished'],
    );
  });

  it('repairs a flaky test as any other when the check is off', async () => {
    const { result, events, userPrompts } = await repairSample('python-flaky', [reply('python-warmup-always')], {
      flakyCheck: false,
      maxTurns: 1,
    });
    assert.equal(userPrompts.length, 1);
    assert.equal(result.status, 'fixed', result.message);
    assert.equal(result.flaky, undefined);
    assert.ok(!events.some((e) => e.type === 'flaky' || e.type === 'flaky-check-started'));
  });

  it('repairs only the real failure next to a flaky test, whose failures then do not count', async () => {
    const { result, userPrompts } = await repairSample('python-flaky-mixed', [reply('python-mean-search-replace')]);
    assert.equal(result.status, 'fixed', result.message);
    assert.deepEqual(result.flaky, [WARM]);
    assert.equal(userPrompts.length, 1);
    assert.match(userPrompts[0]!, /tests\/test_core\.py::test_mean/);
    assert.doesNotMatch(userPrompts[0]!, /test_cache_is_warm/, 'the prompt names only the real failure');
    // The third run of the flaky test (the candidate's) fails again; the fix stands all the same.
    const warm = result.candidates[0]!.report!.tests.find((t) => t.id === WARM);
    assert.equal(warm?.status, 'failed');
  });

  it('repairs a flaky test the user names, and a fix must pass it three times', async () => {
    const { result, events, userPrompts } = await repairSample(
      'python-flaky',
      [reply('python-warmup-odd-runs'), reply('python-warmup-always')],
      { focusTests: [WARM], maxTurns: 2 },
    );
    const flaky = events.find((e) => e.type === 'flaky');
    assert.deepEqual(flaky, { type: 'flaky', tests: [WARM], repaired: [WARM], runs: 3 });
    assert.equal(userPrompts.length, 2);
    assert.match(userPrompts[0]!, /test_cache_is_warm/);
    assert.equal(result.status, 'fixed', result.message);
    assert.match(result.patch, /^\+\s+return True$/m);
    const first = result.candidates.find((c) => c.turn === 1)!;
    assert.equal(first.fixed, false, 'passing the flaky test once is not enough');
    assert.deepEqual(first.unstable, [WARM]);
    assert.equal(first.report?.tests.find((t) => t.id === WARM)?.status, 'passed');
    assert.match(
      describeEvent({ type: 'candidate-verified', turn: 1, candidate: first, passed: 2, failed: 0 }).line,
      /passed once, then failed again/,
    );
  });

  it('finds a flaky node --test test by its name', async () => {
    const { result, userPrompts } = await repairSample('js-flaky', []);
    assert.equal(userPrompts.length, 0);
    assert.equal(result.status, 'unfixed');
    assert.deepEqual(result.flaky, ['test/cache.test.js > the cache is warm']);
    assert.match(result.message, /the cache is warm is flaky/);
  });
});
