/**
 * What a repair spends: one request for a turn's candidates (n), one test run per distinct change,
 * no run once a sibling fixed the tests, and prompts that remember what failed. Real loop, real
 * pytest, real HTTP; only the model is scripted.
 */
import assert from 'node:assert/strict';
import { describeEvent } from '../../../src/core/report/describe';
import { ProcessRunner } from '../../../src/core/sandbox';
import type { CommandRunner, RunRequest, RunResult } from '../../../src/core/sandbox/types';
import { processesInSandboxes } from '../../support/projects';
import { reply } from '../../support/replies';
import { repairSample } from '../../support/repair-run';

/** The engine's own runner, counting the test runs it starts. */
class CountingRunner implements CommandRunner {
  readonly name = 'counting';
  runs = 0;
  private readonly inner = new ProcessRunner();

  run(request: RunRequest): Promise<RunResult> {
    this.runs++;
    return this.inner.run(request);
  }
}

/** No extra runs before the first turn: the baseline is the only run that is not a candidate's. */
const ONLY_BASELINE = { flakyCheck: false, tracing: false } as const;

describe('repair economy (real tests, real HTTP, scripted model)', function () {
  // Each test runs two whole repairs; on a loaded machine a pytest run takes seconds.
  this.timeout(400_000);

  it('asks for a turn’s candidates in one request with n, where the endpoint honours it', async () => {
    const { result, asked } = await repairSample(
      'python-buggy',
      [reply('python-mean-wrong-fix'), reply('python-breaks-median'), reply('python-mean-search-replace')],
      { candidatesPerTurn: 3, ...ONLY_BASELINE },
      { n: 'honour' },
    );
    assert.deepEqual(asked, [3], 'one request, asking for 3 replies');
    assert.equal(result.requests, 1);
    assert.equal(result.status, 'fixed', result.message);
    assert.deepEqual(result.candidates.map((c) => c.id).sort(), ['t1c1', 't1c2', 't1c3']);
    assert.equal(result.candidates[0]!.id, 't1c3', 'the third reply is the fix');
    assert.equal(result.requestLog.length, 1);
  });

  it('runs the tests once for two replies that make the same change (dedupe on), twice with it off', async () => {
    const replies = [reply('python-mean-wrong-fix'), reply('python-mean-wrong-fix')];
    const on = new CountingRunner();
    const deduped = await repairSample('python-buggy', replies, {
      candidatesPerTurn: 2,
      maxTurns: 1,
      runner: on,
      // Each candidate runs the whole suite once, so that runs count candidates.
      stagedVerification: false,
      ...ONLY_BASELINE,
    });
    assert.equal(on.runs, 2, 'the baseline and one candidate run');
    const twin = deduped.result.candidates.find((c) => c.index === 2)!;
    assert.equal(twin.sameAs, 't1c1');
    assert.deepEqual(twin.report?.counts, deduped.result.candidates.find((c) => c.index === 1)!.report?.counts);
    const lines = deduped.events.filter((e) => e.type === 'candidate-verified').map((e) => describeEvent(e).line);
    assert.ok(
      lines.some((line) =>
        /^candidate 2: 3 passed, 1 failed \(still failing; same as candidate 1, not run again\)$/.test(line),
      ),
      lines.join('\n'),
    );

    const off = new CountingRunner();
    const plain = await repairSample('python-buggy', replies, {
      candidatesPerTurn: 2,
      maxTurns: 1,
      runner: off,
      dedupeCandidates: false,
      stagedVerification: false,
      ...ONLY_BASELINE,
    });
    assert.equal(off.runs, 3, 'the baseline and both candidates run');
    assert.ok(plain.result.candidates.every((c) => !c.sameAs));
  });

  it('ends the repair when a turn repeats the previous change for the same failure (dedupe on)', async () => {
    const replies = [reply('python-mean-wrong-fix'), reply('python-mean-wrong-fix')];
    const runner = new CountingRunner();
    const { result, events } = await repairSample('python-buggy', replies, { maxTurns: 4, runner, ...ONLY_BASELINE });
    assert.equal(result.status, 'unfixed');
    assert.equal(result.turns, 2);
    assert.match(result.message, /^the model repeats itself: turn 2 proposed only changes already tested \(t1c1\)/);
    assert.equal(runner.runs, 2, 'the repeated change is not run again');
    const rejected = events.find((e) => e.type === 'candidate-rejected');
    assert.match(
      describeEvent(rejected!).line,
      /candidate 1: rejected: the same change as candidate 1 of turn 1, already tested/,
    );

    const off = new CountingRunner();
    const plain = await repairSample('python-buggy', replies, {
      maxTurns: 2,
      runner: off,
      dedupeCandidates: false,
      stagedVerification: false,
      ...ONLY_BASELINE,
    });
    assert.equal(plain.result.message, 'not fixed after 2 turns');
    assert.equal(off.runs, 3);
  });

  it('stops a sibling’s run once a candidate is verified as a fix, and reports it cancelled', async () => {
    const { result, events } = await repairSample(
      'python-buggy',
      [reply('python-mean-search-replace'), reply('python-infinite-loop')],
      { candidatesPerTurn: 2, verifyConcurrency: 2, ...ONLY_BASELINE },
      { n: 'honour' },
    );
    assert.equal(result.status, 'fixed', result.message);
    const looping = result.candidates.find((c) => c.index === 2)!;
    assert.equal(looping.cancelled, true);
    assert.equal(looping.fixed, false);
    assert.notEqual(looping.report?.timedOut, true, 'stopped by the fix, not by its own time limit');
    const cancelled = events.filter((e) => e.type === 'candidate-rejected').map((e) => describeEvent(e).line);
    assert.deepEqual(cancelled, ['candidate 2: cancelled: candidate 1 was verified as a fix first']);
    assert.deepEqual(await processesInSandboxes(), []);
  });

  it('shows the second turn the first turn’s failed candidates with why they failed (memory on), not with it off', async () => {
    const replies = [
      reply('python-mean-wrong-fix'),
      reply('python-breaks-median'),
      reply('python-mean-search-replace'),
      reply('python-mean-search-replace'),
    ];
    const options = { candidatesPerTurn: 2, maxTurns: 2, ...ONLY_BASELINE };
    const on = await repairSample('python-buggy', replies, options, { n: 'honour' });
    assert.equal(on.result.status, 'fixed', on.result.message);
    const second = on.userPrompts[1]!;
    assert.match(second, /## Earlier attempts that failed/);
    assert.match(
      second,
      /### candidate 2 of turn 1 failed because it broke tests that passed before: tests\/test_core\.py::test_median/,
    );
    assert.match(second, /^\+\s+return ordered\[mid\]$/m, 'its diff is shown');
    assert.match(second, /with a different approach/);

    const off = await repairSample('python-buggy', replies, { ...options, attemptMemory: false }, { n: 'honour' });
    assert.equal(off.result.status, 'fixed', off.result.message);
    const plain = off.userPrompts[1]!;
    assert.doesNotMatch(plain, /Earlier attempts|failed because|different approach/);
    assert.doesNotMatch(plain, /^\+\s+return ordered\[mid\]$/m);
  });
});
