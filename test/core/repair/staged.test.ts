import assert from 'node:assert/strict';
import { ProcessRunner } from '../../../src/core/sandbox';
import type { CommandRunner, RunRequest, RunResult } from '../../../src/core/sandbox/types';
import type { RepairOptions } from '../../../src/core/repair/types';
import { repairSample } from '../../support/repair-run';
import { reply } from '../../support/replies';

/** The real runner, remembering each command it ran. */
class RecordingRunner implements CommandRunner {
  readonly name = 'recording';
  readonly commands: string[] = [];
  private readonly inner = new ProcessRunner();
  run(request: RunRequest): Promise<RunResult> {
    this.commands.push(request.command);
    return this.inner.run(request);
  }
}

const FOCUS = 'tests/test_core.py::test_mean';

/** Repairs python-buggy with the scripted replies, no flaky check and no tracing: the runs are the baseline and the candidates'. */
async function repairWith(scenarios: string[], options: Partial<RepairOptions>) {
  const runner = new RecordingRunner();
  const run = await repairSample(
    'python-buggy',
    scenarios.map((s) => reply(s)),
    { runner, flakyCheck: false, tracing: false, maxTurns: scenarios.length, ...options },
  );
  return { ...run, commands: runner.commands };
}

const narrowed = (command: string): boolean => command.includes(FOCUS);

describe('staged verification (real pytest runs)', function () {
  this.timeout(240_000);

  it('runs a fixing candidate on its failing test first, then the whole suite; off, the whole suite once', async () => {
    const on = await repairWith(['python-mean-search-replace'], {});
    assert.equal(on.result.status, 'fixed');
    assert.equal(on.commands.length, 3, on.commands.join('\n'));
    assert.ok(!narrowed(on.commands[0]!), 'the baseline runs the whole suite');
    assert.ok(narrowed(on.commands[1]!), `the candidate's first run is narrowed: ${on.commands[1]}`);
    assert.ok(!narrowed(on.commands[2]!), 'then the whole suite, for regressions');
    assert.deepEqual(on.result.after, { passed: 4, failed: 0 });

    const off = await repairWith(['python-mean-search-replace'], { stagedVerification: false });
    assert.equal(off.commands.length, 2, off.commands.join('\n'));
    assert.ok(off.commands.every((c) => !narrowed(c)));
    assert.equal(off.result.status, on.result.status);
    assert.equal(off.result.patch, on.result.patch);
    assert.deepEqual(off.result.after, on.result.after);
  });

  it('does not offer a candidate that fixes the failing test but breaks another', async () => {
    const { result, commands } = await repairWith(['python-breaks-median'], {});
    assert.equal(result.status, 'unfixed');
    assert.equal(commands.length, 3, 'the focused run passed, so the whole suite ran');
    assert.ok(narrowed(commands[1]!));
    const candidate = result.candidates[0]!;
    assert.equal(candidate.fixed, false);
    assert.equal(candidate.focusedRun, undefined, 'judged by the whole suite');
    assert.deepEqual(candidate.regressions, ['tests/test_core.py::test_median_even']);
  });

  it('judges a candidate that still fails from the focused run alone, and tells the next turn its failures', async () => {
    const { result, commands, userPrompts } = await repairWith(
      ['python-mean-wrong-fix', 'python-mean-search-replace'],
      {},
    );
    assert.equal(result.status, 'fixed');
    // baseline, turn 1's focused run (still failing: no full run), turn 2's focused and full runs.
    assert.deepEqual(commands.map(narrowed), [false, true, true, false], commands.join('\n'));
    const wrong = result.candidates.find((c) => c.turn === 1)!;
    assert.equal(wrong.focusedRun, true);
    assert.deepEqual(
      wrong.report?.tests.map((t) => t.id),
      [FOCUS],
    );
    assert.match(userPrompts[1]!, /test_mean/);
  });
});
