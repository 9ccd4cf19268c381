import assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../../src/core/model';
import { repair } from '../../../src/core/repair';
import { candidateTimeLimit } from '../../../src/core/repair/time-limit';
import type { RepairEvent } from '../../../src/core/repair/types';
import { describeTimeLimit } from '../../../src/core/report';
import type { TestReport } from '../../../src/core/testing/types';
import { ScriptedModelServer } from '../../support/openai-server';
import { copyProject, processesInSandboxes } from '../../support/projects';
import { reply } from '../../support/replies';

function baselineOf(durationMs: number, timedOut = false): TestReport {
  const counts = { passed: 1, failed: 1, errored: 0, skipped: 0 };
  return { framework: 'pytest', tests: [], counts, exitCode: timedOut ? null : 1, timedOut, output: '', durationMs };
}

describe('the time limit for candidates', function () {
  this.timeout(120_000);

  it('is five times the baseline, at least 10 s, never above the user\u2019s limit', () => {
    const limit = (ms: number, user = 120_000) => candidateTimeLimit(baselineOf(ms), user);
    assert.deepEqual(limit(2_400), { ms: 12_000, basis: 'baseline', baselineMs: 2_400 });
    assert.deepEqual(limit(600), { ms: 10_000, basis: 'floor', baselineMs: 600 });
    assert.deepEqual(limit(40_000), { ms: 120_000, basis: 'user', baselineMs: 40_000 });
    assert.deepEqual(limit(600, 4_000), { ms: 4_000, basis: 'user', baselineMs: 600 });
    assert.equal(describeTimeLimit(limit(2_400)), 'candidate time limit: 12 s (5× the 2.4 s baseline)');
    assert.equal(describeTimeLimit(limit(600)), 'candidate time limit: 10 s (at least 10 s; the baseline took 0.6 s)');
  });

  it('stays the user\u2019s limit when the baseline itself was killed', () => {
    const limit = candidateTimeLimit(baselineOf(120_000, true), 120_000);
    assert.deepEqual(limit, { ms: 120_000, basis: 'user' });
    assert.equal(
      describeTimeLimit(limit),
      'candidate time limit: 120 s (your time limit: the baseline did not finish)',
    );
  });

  it('kills a candidate that loops forever at the derived limit, long before the user\u2019s 120 s', async () => {
    const copy = await copyProject('python-buggy');
    const server = await ScriptedModelServer.start({
      replies: [reply('python-infinite-loop'), reply('python-mean-search-replace')],
    });
    try {
      const events: RepairEvent[] = [];
      const result = await repair({
        projectRoot: copy.root,
        model: new OpenAIModelClient({ baseUrl: server.url, model: 'scripted' }),
        timeoutMs: 120_000,
        onEvent: (event) => events.push(event),
      });
      assert.equal(result.status, 'fixed', result.message);
      const announced = events.find((e) => e.type === 'baseline-finished');
      assert.ok(announced?.type === 'baseline-finished' && announced.candidateTimeLimit);
      const { ms } = announced.candidateTimeLimit;
      assert.ok(ms < 120_000, `derived ${ms} ms`);
      const looping = result.candidates.find((c) => c.turn === 1)!;
      assert.equal(looping.report?.timedOut, true);
      assert.equal(looping.report?.runError, `tests timed out after ${ms / 1000} s (process tree killed)`);
      // Killed at the derived limit: its run lasted about that long, never the user's 120 s.
      assert.ok(looping.report!.durationMs < 120_000, `ran ${looping.report!.durationMs} ms`);
      assert.deepEqual(await processesInSandboxes(), []);
    } finally {
      await server.close();
      await copy.remove();
    }
  });
});
