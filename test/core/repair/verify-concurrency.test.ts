import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { childCpuMs, machineBusyMs, SuiteCost, verifyConcurrency } from '../../../src/core/repair/verify-concurrency';

describe('how many candidates are verified at once', () => {
  it('verifies one at a time on two cores or fewer, or when a suite run keeps more than one core busy', () => {
    assert.equal(verifyConcurrency(3, 0.4, 2), 1);
    assert.equal(verifyConcurrency(3, 1.6, 16), 1);
    assert.equal(verifyConcurrency(3, 0.9, 8), 3);
    assert.equal(verifyConcurrency(8, 0.9, 8), 4, 'half the cores');
    assert.equal(verifyConcurrency(3, undefined, 4), 2, 'not measured: half the cores');
    assert.equal(verifyConcurrency(1, 0.2, 16), 1);
  });

  it('measures a run’s CPU use from the children this process waited for', function () {
    if (childCpuMs() === undefined) this.skip(); // no /proc: nothing to measure with
    const cost = new SuiteCost();
    const before = childCpuMs()!;
    cost.start();
    // A child with a fixed amount of work: how long it takes depends on the machine's load, its CPU time does not.
    execFileSync(process.execPath, ['-e', 'let x = 0; for (let i = 0; i < 3e8; i++) x += i; console.log(x > 0)']);
    cost.finish();
    assert.ok(childCpuMs()! > before, 'the child’s CPU time is counted once it has been waited for');
    assert.ok(cost.cores !== undefined && cost.cores > 0, `measured ${cost.cores} cores`);
    // One thread (and node's few helpers) cannot keep much more than one core busy.
    assert.ok(cost.cores <= 1.5, `a single-threaded child used ${cost.cores} cores`);
  });

  it('falls back to the machine’s busy cores for a run whose processes it never waited for (bubblewrap)', function () {
    const before = machineBusyMs();
    execFileSync(process.execPath, ['-e', 'let x = 0; for (let i = 0; i < 1e8; i++) x += i; console.log(x > 0)']);
    assert.ok(machineBusyMs() > before, 'the machine was busy while the child ran');
  });
});
