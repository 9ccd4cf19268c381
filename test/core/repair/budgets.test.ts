import assert from 'node:assert/strict';
import type { RepairOptions } from '../../../src/core/repair/types';
import type { ScriptedReply } from '../../support/openai-server';
import { processesInSandboxes } from '../../support/projects';
import { reply } from '../../support/replies';
import { repairSample } from '../../support/repair-run';

/** One repair of a fresh copy of the Python sample project against the scripted server. */
function repairWithBudget(replies: ScriptedReply[], options: Partial<RepairOptions>) {
  return repairSample('python-buggy', replies, { testCommand: 'python3 -m pytest', ...options });
}

describe('repair budgets (real tests, real HTTP, scripted model with usage)', function () {
  this.timeout(120_000);

  it('a token budget spent by the first reply ends the repair after the first turn, not fixed', async () => {
    const { result, requests, events } = await repairWithBudget(
      [reply('python-mean-wrong-fix'), reply('python-mean-search-replace')],
      { maxTokens: 10, maxTurns: 4, timeoutMs: 60_000 },
    );
    assert.equal(result.status, 'unfixed');
    assert.equal(result.budget, 'tokens');
    assert.equal(result.turns, 1);
    assert.equal(result.requests, 1);
    assert.equal(requests, 1, 'no second request was sent');
    const spent = result.usage.promptTokens + result.usage.completionTokens;
    assert.ok(spent > 10);
    assert.equal(result.message, `token budget spent (${spent.toLocaleString('en-US')} of 10 tokens)`);
    assert.equal(result.patch, '', 'the best candidate is not offered: it is no verified fix');
    assert.equal(result.candidates.length, 1, 'the reply that came in was still verified');
    assert.deepEqual(result.after, { passed: 3, failed: 1 });
    const finished = events.find((e) => e.type === 'finished');
    assert.equal(finished?.type === 'finished' && finished.result.budget, 'tokens');
  });

  it('a reply over the token budget that is a verified fix is still offered', async () => {
    const { result } = await repairWithBudget([reply('python-mean-search-replace')], {
      maxTokens: 10,
      timeoutMs: 60_000,
    });
    assert.equal(result.status, 'fixed', result.message);
    assert.equal(result.budget, undefined, 'the repair ended with a fix, not at the budget');
    assert.match(result.patch, /^\+\s+return sum\(xs\) \/ len\(xs\)$/m);
  });

  it('a time budget ends a repair whose candidate runs long: its run is cancelled, nothing is left', async () => {
    // The candidate loops forever. Its own time limit follows the baseline (five times it, at least 10 s);
    // a baseline that takes 4 s puts that limit at 20 s or more, beyond the repair's 15 s budget.
    const { result, requests } = await repairWithBudget([reply('python-infinite-loop')], {
      testCommand: 'sleep 4 && python3 -m pytest',
      flakyCheck: false,
      maxTimeMs: 15_000,
      timeoutMs: 120_000,
    });
    assert.equal(result.status, 'unfixed', result.message);
    assert.equal(result.budget, 'time');
    assert.equal(result.message, 'time budget spent (15 s)');
    assert.equal(requests, 1);
    assert.equal(result.patch, '');
    const [candidate] = result.candidates;
    assert.ok(candidate, 'the candidate reached the tests');
    assert.equal(candidate.report?.timedOut, false, 'the run was stopped by the budget, not by its own limit');
    assert.equal(candidate.report?.runError, 'test run cancelled');
    assert.deepEqual(await processesInSandboxes(), []);
  });
});
