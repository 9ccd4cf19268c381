import assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../../src/core/model';
import { prepareRepair, type RepairTask } from '../../../src/core/repair/prepare';
import { RepairSession } from '../../../src/core/repair/session';
import { verifyCandidate } from '../../../src/core/repair/verify';
import { ProcessRunner } from '../../../src/core/sandbox';
import { copyProject } from '../../support/projects';
import { reply } from '../../support/replies';

describe('verifying a candidate (real edits, real pytest runs)', function () {
  this.timeout(120_000);
  let copy: Awaited<ReturnType<typeof copyProject>>;
  let session: RepairSession;
  let task: RepairTask;

  before(async () => {
    copy = await copyProject('python-buggy');
    session = new RepairSession({
      model: new OpenAIModelClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'unused' }),
      maxTurns: 1,
      candidatesPerTurn: 1,
      timeoutMs: 60_000,
      temperature: 0.2,
      verifyConcurrency: 1,
      runner: new ProcessRunner(),
    });
    const prepared = await prepareRepair(session, copy.root);
    assert.ok('task' in prepared);
    task = prepared.task;
  });
  after(async () => {
    await session?.project?.sandbox.dispose();
    await copy?.remove();
  });

  const verify = (scenario: string, kept: ReadonlyMap<string, string> = new Map()) =>
    verifyCandidate(session, task, kept, { turn: 2, index: 1, reply: reply(scenario), focusFiles: ['stats/core.py'] });

  it('runs the tests on a good change and calls it a fix', async () => {
    const candidate = await verify('python-mean-search-replace');
    assert.equal(candidate.id, 't2c1');
    assert.equal(candidate.rejected, undefined);
    assert.equal(candidate.fixed, true);
    assert.deepEqual(candidate.report?.counts, { passed: 4, failed: 0, errored: 0, skipped: 0 });
    assert.deepEqual(
      candidate.changes.map((c) => c.path),
      ['stats/core.py'],
    );
    assert.match(candidate.patch, /^\+\s+return sum\(xs\) \/ len\(xs\)$/m);
    assert.match(candidate.explanation, /comes out as 3\.0/);
    assert.equal(
      await task.code.readOriginal('stats/core.py').then((t) => t?.includes('(len(xs) - 1)')),
      true,
      'the base copy is unchanged',
    );
  });

  it('names the tests a change breaks', async () => {
    const candidate = await verify('python-breaks-median');
    assert.deepEqual(candidate.regressions, ['tests/test_core.py::test_median_even']);
    assert.equal(candidate.fixed, false);
  });

  it('rejects code that does not parse before any test runs', async () => {
    const candidate = await verify('python-syntax-error');
    assert.match(candidate.rejected ?? '', /^the changed code does not parse: stats\/core\.py:\d+/);
    assert.equal(candidate.report, undefined);
    assert.match(candidate.patch, /len\(xs\)$/m, 'the rejected change is still shown as a diff');
  });

  it('applies a change copied from the original code when it does not fit the kept one', async () => {
    const original = (await task.code.readOriginal('stats/core.py'))!;
    const kept = new Map([['stats/core.py', original.replace('(len(xs) - 1)', '(len(xs) + 1)')]]);
    const candidate = await verify('python-mean-search-replace', kept);
    assert.equal(candidate.fixed, true);
    assert.doesNotMatch(candidate.patch, /len\(xs\) \+ 1/, 'the kept change is dropped');
  });
});
