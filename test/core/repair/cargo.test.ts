import assert from 'node:assert/strict';
import { processesInSandboxes } from '../../support/projects';
import { repairSample } from '../../support/repair-run';
import { reply } from '../../support/replies';

describe('the repair loop on Cargo projects (real cargo)', function () {
  // The baseline builds the crate; on a busy machine that alone takes tens of seconds.
  this.timeout(300_000);

  it('names the hung Rust test (a second run on one thread) and repairs the loop', async () => {
    const { result, userPrompts } = await repairSample('cargo-hangs', [reply('rust-hangs-fix')], {
      timeoutMs: 45_000,
    });
    assert.equal(result.status, 'fixed', result.message);
    assert.equal(result.baseline?.timedOut, true);
    assert.match(
      userPrompts[0]!,
      /### src\/lib\.rs::tests::stops_when_items_run_out \(errored\)\nMessage: hung: still running when the run was stopped/,
    );
    assert.match(userPrompts[0]!, /fn stops_when_items_run_out\(\)/, "the hung test's code");
    assert.match(userPrompts[0]!, /the failure points at take_until/, 'the function the test calls');
    assert.deepEqual(result.after, { passed: 2, failed: 0 });
    assert.deepEqual(await processesInSandboxes(), []);
  });

  it('shows the model why a crate does not compile, and takes a candidate that builds and passes as the fix', async () => {
    const { result, userPrompts } = await repairSample('cargo-compile-error', [reply('rust-area-compiles')], {
      maxTurns: 1,
    });
    assert.equal(result.status, 'fixed', result.message);
    assert.deepEqual(result.after, { passed: 1, failed: 0 });
    assert.equal(userPrompts.length, 1);
    assert.match(userPrompts[0]!, /### src\/lib\.rs:3:24 \(errored\)\nMessage: error\[E0308\]: mismatched types\n/);
    assert.match(userPrompts[0]!, /expected `u32`, found `&str`/, "rustc's diagnostic");
    assert.match(userPrompts[0]!, /pub fn area\(side: u32\) -> u32/, 'the code that does not compile');
  });
});
