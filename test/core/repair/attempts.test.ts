import assert from 'node:assert/strict';
import { attemptNotes, failedBecause } from '../../../src/core/repair/attempts';
import { buildRepairPrompt } from '../../../src/core/repair';
import type { Candidate } from '../../../src/core/repair/types';
import type { TestCaseResult, TestReport } from '../../../src/core/testing/types';

const failing: TestCaseResult = {
  id: 'tests/test_core.py::test_mean',
  name: 'test_mean',
  file: 'tests/test_core.py',
  status: 'failed',
  message: 'assert 3.0 == 2.0',
  frames: [],
};

function reportWith(tests: TestCaseResult[], passed: number): TestReport {
  const failed = tests.filter((t) => t.status === 'failed').length;
  return {
    framework: 'pytest',
    tests,
    counts: { passed, failed, errored: 0, skipped: 0 },
    exitCode: failed ? 1 : 0,
    timedOut: false,
    output: '',
    durationMs: 10,
  } as TestReport;
}

function candidate(turn: number, index: number, patch: string, extra: Partial<Candidate> = {}): Candidate {
  return {
    id: `t${turn}c${index}`,
    turn,
    index,
    explanation: '',
    reply: '',
    changes: [],
    patch,
    regressions: [],
    fixed: false,
    report: reportWith([failing], 3),
    ...extra,
  };
}

const code = {
  file: 'stats/core.py',
  startLine: 1,
  endLine: 2,
  text: 'def mean(xs):\n    return sum(xs) / (len(xs) - 1)\n',
  label: 'whole file, 2 lines',
  language: 'python',
};

describe('memory of failed attempts', () => {
  it('says in one line why each candidate failed', () => {
    assert.equal(
      failedBecause(candidate(1, 1, 'd')),
      'the tests still fail: tests/test_core.py::test_mean (3 passed, 1 failed)',
    );
    assert.match(
      failedBecause(candidate(1, 1, 'd', { regressions: ['tests/test_core.py::test_median'] })),
      /^it broke tests that passed before: tests\/test_core\.py::test_median/,
    );
    assert.equal(
      failedBecause(candidate(1, 1, '', { rejected: 'the changed code does not parse', report: undefined })),
      'it was rejected before any test ran: the changed code does not parse',
    );
  });

  it('lists earlier turns’ failed candidates once each, most recent first, without the previous attempt, fixes, cancelled runs or twins', () => {
    const candidates = [
      candidate(1, 1, 'diff A'),
      candidate(1, 2, 'diff B'),
      candidate(1, 3, 'diff B'),
      candidate(2, 1, 'diff C', { cancelled: true }),
      candidate(2, 2, 'diff D', { sameAs: 't1c1' }),
      candidate(2, 3, 'diff E'),
      candidate(3, 1, 'diff F'),
    ];
    const notes = attemptNotes(candidates, 3, {
      turn: 2,
      explanation: '',
      patch: 'diff A',
      regressions: [],
      kept: false,
    });
    assert.deepEqual(
      notes.map((n) => [n.name, n.patch]),
      [
        ['candidate 3 of turn 2', 'diff E'],
        ['candidate 3 of turn 1', 'diff B'],
      ],
    );
  });

  it('gives the attempts a place below the failure and the suspect code: a tight budget leaves them out first', () => {
    const attempts = Array.from({ length: 4 }, (_, i) => ({
      name: `candidate ${i + 1} of turn 1`,
      patch: `--- a/stats/core.py\n+++ b/stats/core.py\n${'-x\n+y\n'.repeat(200)}`,
      failedBecause: 'the tests still fail',
    }));
    const input = { testCommand: 'pytest', failing: [failing], tests: [], code: [code], attempts };
    const roomy = buildRepairPrompt({ ...input, maxTokens: 20_000 });
    assert.match(
      roomy.messages[1]!.content,
      /## Earlier attempts that failed[\s\S]*candidate 1 of turn 1 failed because/,
    );
    assert.match(roomy.messages[1]!.content, /lines left out/, 'each diff is cut short');
    assert.match(roomy.messages[1]!.content, /with a different approach from the earlier attempts/);

    const tight = buildRepairPrompt({ ...input, maxTokens: 1000 });
    assert.match(tight.messages[1]!.content, /def mean/, 'the suspect code stays');
    assert.match(tight.messages[1]!.content, /test_mean/, 'the failure stays');
    assert.ok(
      tight.omitted.some((name) => name.startsWith('earlier attempt')),
      tight.omitted.join(', '),
    );
    assert.ok(tight.estimatedTokens <= 1000);
  });
});
