import assert from 'node:assert/strict';
import { decide, passFail, rankCandidates } from '../../../src/core/repair/decide';
import { repairGoal } from '../../../src/core/repair/prepare';
import type { TurnState } from '../../../src/core/repair/turn';
import type { Candidate } from '../../../src/core/repair/types';
import { judgeReport } from '../../../src/core/repair/verify';
import { countTests, type TestReport, type TestStatus } from '../../../src/core/testing/types';

/** A report as a run would give it: ids with their status. */
function report(statuses: Record<string, TestStatus>, extra: Partial<TestReport> = {}): TestReport {
  const tests = Object.entries(statuses).map(([id, status]) => ({ id, name: id, status, frames: [] }));
  return {
    framework: 'pytest',
    tests,
    counts: countTests(tests),
    exitCode: 1,
    timedOut: false,
    output: '',
    durationMs: 1,
    ...extra,
  };
}

let next = 0;
function candidate(fields: Partial<Candidate>): Candidate {
  next++;
  return {
    id: `t1c${next}`,
    turn: 1,
    index: next,
    explanation: `attempt ${next}`,
    reply: '',
    changes: [],
    patch: 'x'.repeat(next),
    regressions: [],
    fixed: false,
    ...fields,
  };
}

const baseline = report({ a: 'failed', b: 'failed', c: 'passed' });
const goal = repairGoal(baseline);
const start: TurnState = { kept: new Map(), failing: goal.failing };
const change = (after: string) => [{ path: 'src/m.py', before: 'old\n', after }];

describe('decide stage: rank, then fixed, keep or reset', () => {
  it('ranks the fix first, then unbroken, more passing, fewer failing, the smaller patch; rejected last', () => {
    const rejected = candidate({ rejected: 'no edit' });
    const breaks = candidate({ report: report({ a: 'passed', b: 'passed', c: 'failed' }), regressions: ['c'] });
    const helps = candidate({ report: report({ a: 'passed', b: 'failed', c: 'passed' }) });
    const helpsLonger = candidate({ report: report({ a: 'passed', b: 'failed', c: 'passed' }), patch: 'y'.repeat(99) });
    const fixed = candidate({ report: report({ a: 'passed', b: 'passed', c: 'passed' }), fixed: true });
    assert.deepEqual(rankCandidates([rejected, breaks, helpsLonger, helps, fixed]), [
      fixed,
      helps,
      helpsLonger,
      breaks,
      rejected,
    ]);
  });

  it('ends with the best candidate when it is a fix', () => {
    const fixed = candidate({ report: report({ a: 'passed', b: 'passed', c: 'passed' }), fixed: true });
    assert.deepEqual(decide({ verified: [candidate({ rejected: 'no edit' }), fixed], state: start, baseline, goal }), {
      fixed,
    });
  });

  it('keeps a change that fixed some failures without breaking anything, and shows the model what still fails', () => {
    const helps = candidate({ report: report({ a: 'passed', b: 'failed', c: 'passed' }), changes: change('half\n') });
    const decision = decide({ verified: [helps], state: start, baseline, goal });
    assert.ok('next' in decision);
    assert.deepEqual([...decision.next.kept], [['src/m.py', 'half\n']]);
    assert.deepEqual(
      decision.next.failing.map((t) => t.id),
      ['b'],
    );
    assert.equal(decision.next.previous?.kept, true);
    assert.equal(decision.next.previous?.explanation, helps.explanation);
  });

  it('starts again from the original code after a change that broke a test, was rejected, or did not help', () => {
    const kept: TurnState = {
      kept: new Map([['src/m.py', 'half\n']]),
      failing: [goal.failing[1]!],
      previous: {
        turn: 1,
        explanation: '',
        patch: '',
        report: report({ a: 'passed', b: 'failed', c: 'passed' }),
        regressions: [],
        kept: true,
      },
    };
    const cases: Array<[string, Candidate, TurnState]> = [
      [
        'breaks',
        candidate({
          report: report({ a: 'passed', b: 'passed', c: 'failed' }),
          regressions: ['c'],
          changes: change('b\n'),
        }),
        start,
      ],
      ['rejected', candidate({ rejected: 'the changed code does not parse' }), start],
      ['run error', candidate({ report: report({}, { runError: 'collection failed' }) }), start],
      // Measured against the kept change, one failure left: still one is no better.
      [
        'no better than the kept change',
        candidate({ report: report({ a: 'passed', b: 'failed', c: 'passed' }), changes: change('other\n') }),
        kept,
      ],
    ];
    for (const [what, top, state] of cases) {
      const decision = decide({ verified: [top], state, baseline, goal });
      assert.ok('next' in decision, what);
      assert.equal(decision.next.kept.size, 0, what);
      assert.deepEqual(decision.next.failing, goal.failing, what);
      assert.equal(decision.next.previous?.kept, false, what);
      assert.equal(decision.next.previous?.rejected, top.rejected, what);
    }
  });

  it('counts a killed run as one more failure', () => {
    assert.deepEqual(passFail(report({ a: 'passed' }, { timedOut: true })), { passed: 1, failed: 1 });
    assert.deepEqual(passFail(undefined), { passed: 0, failed: 0 });
  });
});

describe('judgeReport (a candidate run against the goal)', () => {
  it('is a fix only when the run finished, every test passes and nothing broke', () => {
    assert.deepEqual(judgeReport(report({ a: 'passed', b: 'passed', c: 'passed' }), goal, false), {
      regressions: [],
      fixed: true,
    });
    assert.deepEqual(judgeReport(report({ a: 'passed', b: 'failed', c: 'passed' }), goal, false), {
      regressions: [],
      fixed: false,
    });
    assert.deepEqual(judgeReport(report({ a: 'passed', b: 'passed', c: 'failed' }), goal, false), {
      regressions: ['c'],
      fixed: false,
    });
    assert.deepEqual(
      judgeReport(report({ a: 'passed', b: 'passed', c: 'passed' }, { timedOut: true }), goal, false).fixed,
      false,
    );
  });

  it('counts a passing test missing from a run with results as broken', () => {
    assert.deepEqual(judgeReport(report({ a: 'passed', b: 'passed' }), goal, false), {
      regressions: ['c'],
      fixed: false,
    });
  });

  it('takes a test file that did not load as passing once its own tests load and pass', () => {
    const unloaded = report({ 't/a.test.js': 'errored', 't/b.test.js > b': 'passed' });
    unloaded.tests[0]!.file = 't/a.test.js';
    const loadGoal = repairGoal(unloaded);
    const now = (status: TestStatus) => {
      const run = report({ 't/a.test.js > a': status, 't/b.test.js > b': 'passed' });
      run.tests[0]!.file = 't/a.test.js';
      return judgeReport(run, loadGoal, false).fixed;
    };
    assert.equal(now('passed'), true);
    assert.equal(now('failed'), false);
    assert.equal(judgeReport(report({ 't/b.test.js > b': 'passed' }), loadGoal, false).fixed, false);
  });

  it('takes code that did not build as fixed once it builds and the tests it then runs pass', () => {
    const unbuilt = report({ 'src/lib.rs:3:24': 'errored' });
    unbuilt.tests[0]!.buildError = true;
    const buildGoal = repairGoal(unbuilt);
    assert.equal(judgeReport(report({ 'src/lib.rs::tests::area': 'passed' }), buildGoal, false).fixed, true);
    assert.equal(judgeReport(report({ 'src/lib.rs::tests::area': 'failed' }), buildGoal, false).fixed, false);
    const stillBroken = report({ 'src/lib.rs:9:1': 'errored' });
    stillBroken.tests[0]!.buildError = true;
    assert.equal(judgeReport(stillBroken, buildGoal, false).fixed, false, 'another build error is no fix');
    assert.equal(judgeReport(report({}), buildGoal, false).fixed, false, 'nothing ran');
  });

  it('with focus tests, other failures that were failing already do not block the fix', () => {
    const focused = repairGoal(baseline, ['a']);
    assert.deepEqual(judgeReport(report({ a: 'passed', b: 'failed', c: 'passed' }), focused, true), {
      regressions: [],
      fixed: true,
    });
  });
});
