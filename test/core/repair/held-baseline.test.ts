import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { OpenAIModelClient } from '../../../src/core/model';
import { repair, runTestsOnce } from '../../../src/core/repair';
import type { HeldBaseline, RepairEvent } from '../../../src/core/repair/types';
import { describeEvent } from '../../../src/core/report';
import { ProcessRunner } from '../../../src/core/sandbox';
import type { CommandRunner, RunRequest, RunResult } from '../../../src/core/sandbox/types';
import { ScriptedModelServer } from '../../support/openai-server';
import { copyProject } from '../../support/projects';
import { reply } from '../../support/replies';

/** The real runner, counting the runs it makes. */
class CountingRunner implements CommandRunner {
  readonly name = 'counting';
  runs = 0;
  private readonly inner = new ProcessRunner();
  run(request: RunRequest): Promise<RunResult> {
    this.runs++;
    return this.inner.run(request);
  }
}

/** Runs the project's tests the way the Test Explorer does, and keeps the run as a host would. */
async function heldRun(projectRoot: string): Promise<HeldBaseline> {
  const run = await runTestsOnce({ projectRoot, timeoutMs: 60_000 });
  const { report, command, fingerprint, takenAt } = run;
  return { report, command, fingerprint, takenAt, source: "the Test Explorer's run" };
}

/** A repair with a good scripted fix, no flaky check, no tracing: the runs are the baseline's and the candidate's. */
async function repairWithHeld(projectRoot: string, baseline: HeldBaseline) {
  const server = await ScriptedModelServer.start({ replies: [reply('python-mean-search-replace')] });
  const runner = new CountingRunner();
  const events: RepairEvent[] = [];
  try {
    const result = await repair({
      projectRoot,
      model: new OpenAIModelClient({ baseUrl: server.url, model: 'scripted' }),
      runner,
      timeoutMs: 60_000,
      maxTurns: 1,
      flakyCheck: false,
      tracing: false,
      stagedVerification: false,
      baseline,
      onEvent: (event) => events.push(event),
    });
    return { result, runs: runner.runs, events };
  } finally {
    await server.close();
  }
}

describe('a held baseline (the Test Explorer run) instead of the baseline run', function () {
  this.timeout(240_000);

  it('is used when no file changed since it ran: the baseline run is skipped', async () => {
    const copy = await copyProject('python-buggy');
    try {
      const held = await heldRun(copy.root);
      const { result, runs, events } = await repairWithHeld(copy.root, held);
      assert.equal(result.status, 'fixed');
      assert.equal(runs, 1, 'only the candidate ran');
      assert.ok(!events.some((e) => e.type === 'baseline-started'));
      const used = events.find((e) => e.type === 'baseline-held');
      assert.ok(used && used.type === 'baseline-held' && used.used);
      assert.match(
        describeEvent(used).line,
        /^using the Test Explorer's run of \d\d:\d\d:\d\d \(no file changed since\)$/,
      );
      assert.deepEqual(result.before, { passed: 3, failed: 1 });
    } finally {
      await copy.remove();
    }
  });

  it('is not used once a file changed: the baseline runs again', async () => {
    const copy = await copyProject('python-buggy');
    try {
      const held = await heldRun(copy.root);
      await appendFile(path.join(copy.root, 'stats', 'core.py'), '\n# edited after the run\n');
      const { result, runs, events } = await repairWithHeld(copy.root, held);
      assert.equal(result.status, 'fixed');
      assert.equal(runs, 2, 'the baseline and the candidate');
      const held_ = events.find((e) => e.type === 'baseline-held');
      assert.ok(held_ && held_.type === 'baseline-held' && !held_.used);
      assert.match(describeEvent(held_).line, /^not using the Test Explorer's run of .* \(files changed since\)/);
    } finally {
      await copy.remove();
    }
  });

  it('is not used for another test command', async () => {
    const copy = await copyProject('python-buggy');
    try {
      const held = { ...(await heldRun(copy.root)), command: 'python3 -m pytest -x' };
      const { runs, events } = await repairWithHeld(copy.root, held);
      assert.equal(runs, 2);
      assert.ok(events.some((e) => e.type === 'baseline-held' && !e.used && /not `/.test(e.why ?? '')));
    } finally {
      await copy.remove();
    }
  });
});
