import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OpenAIModelClient } from '../../../src/core/model';
import { runTestsOnce, setUpProject } from '../../../src/core/repair';
import { prepareRepair, repairGoal, STALLED_RUN_ID } from '../../../src/core/repair/prepare';
import { RepairSession } from '../../../src/core/repair/session';
import type { RepairEvent } from '../../../src/core/repair/types';
import { ProcessRunner } from '../../../src/core/sandbox';
import type { TestReport } from '../../../src/core/testing/types';
import { copyProject, hashTree } from '../../support/projects';

/** A session whose model is never asked: prepare runs no model request. */
function sessionFor(events: RepairEvent[], focusTests?: string[]): RepairSession {
  const settings = {
    model: new OpenAIModelClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'unused' }),
    maxTurns: 1,
    candidatesPerTurn: 1,
    timeoutMs: 60_000,
    temperature: 0.2,
    verifyConcurrency: 1,
    runner: new ProcessRunner(),
    ...(focusTests ? { focusTests } : {}),
  };
  return new RepairSession(settings, (event) => events.push(event));
}

describe('prepare stage (framework, command, copy, baseline)', function () {
  this.timeout(120_000);

  it('picks the framework and its default command from the files, in a copy of the project', async () => {
    const copy = await copyProject('python-buggy');
    try {
      const project = await setUpProject(copy.root);
      assert.equal(project.adapter.id, 'pytest');
      assert.match(project.command, /^python3? -m pytest$/);
      assert.notEqual(project.sandbox.root, copy.root);
      assert.equal(
        await project.sandbox.readFile('stats/core.py'),
        await readFile(path.join(copy.root, 'stats/core.py'), 'utf8'),
      );
      await project.sandbox.dispose();
      assert.equal(existsSync(project.sandbox.root), false, 'the copy is gone once disposed');
    } finally {
      await copy.remove();
    }
  });

  it('takes the framework from a given command and keeps the command as written', async () => {
    const copy = await copyProject('js-buggy');
    try {
      const project = await setUpProject(copy.root, 'node --test test/');
      await project.sandbox.dispose();
      assert.equal(project.adapter.id, 'node-test');
      assert.equal(project.command, 'node --test test/');
    } finally {
      await copy.remove();
    }
  });

  it('fails in one line on a folder whose framework it cannot tell', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-'));
    try {
      await writeFile(path.join(folder, 'notes.txt'), 'no tests here\n');
      await assert.rejects(
        setUpProject(folder),
        (error: Error) => /could not tell which test framework/.test(error.message) && !error.message.includes('\n'),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('runs the tests once in a throw-away copy, leaving the folder as it was', async () => {
    const copy = await copyProject('js-buggy');
    try {
      const before = await hashTree(copy.root);
      const run = await runTestsOnce({ projectRoot: copy.root, timeoutMs: 60_000 });
      assert.equal(run.adapter.id, 'node-test');
      assert.equal(run.command, 'node --test');
      assert.equal(run.report.counts.failed, 1);
      assert.ok(run.report.counts.passed > 0);
      assert.deepEqual(await hashTree(copy.root), before);
    } finally {
      await copy.remove();
    }
  });

  it('prepares a repair: the baseline, what must pass, what must not break, the code that may change', async () => {
    const copy = await copyProject('python-buggy');
    const events: RepairEvent[] = [];
    const session = sessionFor(events);
    try {
      const prepared = await prepareRepair(session, copy.root);
      assert.ok('task' in prepared, 'a task, not an ending');
      const { task } = prepared;
      assert.equal(session.project, task.project);
      assert.equal(session.baseline, task.baseline);
      assert.deepEqual(
        task.goal.failing.map((t) => t.id),
        ['tests/test_core.py::test_mean'],
      );
      assert.deepEqual([...task.goal.focus], ['tests/test_core.py::test_mean']);
      assert.equal(task.goal.originallyPassing.size, 3);
      assert.equal(task.goal.stalled, undefined);
      assert.ok(task.code.sourceFiles.includes('stats/core.py'));
      assert.ok(!task.code.sourceFiles.some((f) => f.startsWith('tests/')), 'tests are not code to change');
      assert.deepEqual(
        // Progress events come only from runs that last a while: how many is the machine's doing.
        events.map((e) => e.type).filter((type) => type !== 'tests-progress'),
        // A real failure: run again to rule out a flaky test, and still failing.
        ['baseline-started', 'baseline-finished', 'flaky-check-started'],
      );
    } finally {
      await session.project?.sandbox.dispose();
      await copy.remove();
    }
  });

  it('ends before any turn when nothing fails, and as a test-command error when there is no framework', async () => {
    const copy = await copyProject('python-buggy');
    const folder = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-'));
    const passing = sessionFor([]);
    const unknown = sessionFor([]);
    try {
      const file = path.join(copy.root, 'stats', 'core.py');
      await writeFile(file, (await readFile(file, 'utf8')).replace('(len(xs) - 1)', 'len(xs)'));
      const nothing = await prepareRepair(passing, copy.root);
      assert.deepEqual(nothing, { ending: { status: 'fixed', message: 'nothing to repair: all tests already pass' } });

      const none = await prepareRepair(unknown, folder);
      assert.ok('ending' in none);
      assert.equal(none.ending.status, 'error');
      assert.equal(none.ending.errorKind, 'test-command');
      assert.equal(unknown.project, undefined, 'no copy was made');
    } finally {
      await passing.project?.sandbox.dispose();
      await copy.remove();
      await rm(folder, { recursive: true, force: true });
    }
  });
});

describe('repairGoal', () => {
  const test = (id: string, status: 'passed' | 'failed') => ({ id, name: id, status, frames: [] });
  const report = (tests: ReturnType<typeof test>[], timedOut = false): TestReport => ({
    framework: 'pytest',
    tests,
    counts: {
      passed: tests.filter((t) => t.status === 'passed').length,
      failed: tests.filter((t) => t.status === 'failed').length,
      errored: 0,
      skipped: 0,
    },
    exitCode: timedOut ? null : 1,
    timedOut,
    output: 'partial output',
    durationMs: 1,
    ...(timedOut ? { runError: 'tests timed out after 4 s' } : {}),
  });

  it('with focus tests, only those count as failing and must pass', () => {
    const goal = repairGoal(report([test('a', 'failed'), test('b', 'failed'), test('c', 'passed')]), ['b']);
    assert.deepEqual(
      goal.failing.map((t) => t.id),
      ['b'],
    );
    assert.deepEqual([...goal.focus], ['b']);
    assert.deepEqual([...goal.originallyPassing], ['c']);
  });

  it('a killed run is one more failure, and the focus the user chose still stands', () => {
    const goal = repairGoal(report([test('a', 'passed')], true), ['x']);
    assert.equal(goal.stalled?.id, STALLED_RUN_ID);
    assert.equal(goal.stalled?.message, 'tests timed out after 4 s');
    assert.deepEqual(
      goal.failing.map((t) => t.id),
      [STALLED_RUN_ID],
    );
    assert.deepEqual([...goal.focus], ['x']);
  });
});
