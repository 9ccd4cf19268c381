import assert from 'node:assert/strict';
import { buildRepairPrompt, SYSTEM_PROMPT } from '../../../src/core/repair';
import { trimText } from '../../../src/core/text';
import type { TestCaseResult, TestReport } from '../../../src/core/testing/types';

const failing: TestCaseResult = {
  id: 'tests/test_core.py::test_mean',
  name: 'test_mean',
  file: 'tests/test_core.py',
  line: 4,
  status: 'failed',
  message: 'assert 3.0 == 2.0',
  details: 'def test_mean():\n>       assert mean([1, 2, 3]) == 2.0\nE       assert 3.0 == 2.0',
  expected: '2.0',
  actual: '3.0',
  frames: [],
};

const code = {
  file: 'stats/core.py',
  startLine: 1,
  endLine: 3,
  text: 'def mean(xs):\n    return sum(xs) / (len(xs) - 1)\n',
  label: 'whole file, 2 lines',
  language: 'python',
};

describe('repair prompt', () => {
  it('asks for an explanation before the fix, and says tests are read-only', () => {
    assert.match(SYSTEM_PROMPT, /## Explanation[\s\S]*## Fix/);
    assert.match(SYSTEM_PROMPT, /read-only/);
    assert.match(SYSTEM_PROMPT, /<<<<<<< SEARCH/);
  });

  it('turn 1 carries the failing test, expected and actual, the test code and the code under test', () => {
    const {
      messages: [system, user],
    } = buildRepairPrompt({
      testCommand: 'python3 -m pytest',
      failing: [failing],
      tests: [],
      code: [code],
    });
    assert.equal(system!.role, 'system');
    assert.match(user!.content, /## Failing tests\nTest command: `python3 -m pytest`/);
    assert.match(
      user!.content,
      /### tests\/test_core\.py::test_mean \(failed\)\nMessage: assert 3\.0 == 2\.0\nExpected: 2\.0\nActual: 3\.0/,
    );
    assert.match(user!.content, /stats\/core\.py \(whole file, 2 lines\):\n```python\ndef mean/);
    assert.doesNotMatch(user!.content, /previous attempt/i);
  });

  it('a later turn carries the previous explanation, the candidate diff and what came of it', () => {
    const report: TestReport = {
      framework: 'pytest',
      tests: [{ ...failing, message: 'assert 1.5 == 2.0', actual: '1.5' }],
      counts: { passed: 3, failed: 1, errored: 0, skipped: 0 },
      exitCode: 1,
      timedOut: false,
      output: '',
      durationMs: 10,
    };
    const {
      messages: [, user],
    } = buildRepairPrompt({
      testCommand: 'pytest',
      failing: [failing],
      tests: [],
      code: [code],
      previous: { turn: 1, explanation: 'Off by two.', patch: '-a\n+b\n', report, regressions: [], kept: false },
    });
    const text = user!.content;
    assert.match(text, /## Your previous attempt \(turn 1\)\n\nYour explanation was:\n> Off by two\./);
    assert.match(text, /```diff\n-a\n\+b\n```/);
    assert.match(text, /the tests ran: 3 passed, 1 failed/);
    assert.match(text, /Failures with your change:[\s\S]*Actual: 1\.5/);
    assert.match(text, /the code below is the original code/);
    assert.ok(text.indexOf('previous attempt') < text.indexOf('## Tests that still fail'));
  });

  it('a fence inside the code does not end the block early', () => {
    const {
      messages: [, user],
    } = buildRepairPrompt({
      testCommand: 't',
      failing: [failing],
      tests: [],
      code: [{ ...code, text: 'doc = """\n```\n"""\n' }],
    });
    assert.match(user!.content, /````python\ndoc = """\n```\n"""\n````/);
  });

  it('trims long failure output, keeping its head and tail', () => {
    const long = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
    const trimmed = trimText(long, 10, 10_000);
    assert.match(trimmed, /^line 0\n/);
    assert.match(trimmed, /line 499$/);
    assert.match(trimmed, /… 490 lines cut …/);
  });
});
