import assert from 'node:assert/strict';
import { progressPrinter } from '../../../src/cli/progress';
import type { PromptFit } from '../../../src/core/repair/prompt-budget';
import type { RepairEvent } from '../../../src/core/repair/types';
import { describeEvent } from '../../../src/core/report';

function started(fit: Partial<PromptFit>, candidate = 1): RepairEvent {
  const whole: PromptFit = { estimatedTokens: 5840, budget: 6000, trimmed: [], omitted: [], ...fit };
  return { type: 'request-started', turn: 2, candidate, prompt: '## Failing tests\nline two\n', fit: whole };
}

describe('the words for a prompt sent', () => {
  it('say its estimated size against the budget, and what was cut short or left out, in one line', () => {
    assert.equal(describeEvent(started({})).line, 'prompt ~5,840 tokens of 6,000');
    assert.equal(
      describeEvent(started({ omitted: ['test test_b (tests/test_x.py)', 'function foo (more.py)'] })).line,
      'prompt ~5,840 tokens of 6,000; left out: test test_b (tests/test_x.py), function foo (more.py)',
    );
    assert.equal(
      describeEvent(started({ trimmed: ['function foo (more.py)'], omitted: ['runtime values'] })).line,
      'prompt ~5,840 tokens of 6,000; cut short: function foo (more.py); left out: runtime values',
    );
  });

  it('name at most eight parts, then how many more', () => {
    const omitted = Array.from({ length: 11 }, (_, i) => `failure of t${i}`);
    const { line } = describeEvent(started({ omitted }));
    assert.match(line, /left out: failure of t0, .*, failure of t7 and 3 more$/);
    assert.doesNotMatch(line, /\n/);
  });

  it('are printed by the CLI once per turn, under it; with --verbose the user message follows whole', () => {
    const print = (verbose: boolean, event: RepairEvent): string => {
      let out = '';
      progressPrinter((text) => (out += text), { model: 'm', live: false, verbose })(event);
      return out;
    };
    assert.equal(
      print(false, started({ omitted: ['runtime values'] })),
      '  prompt ~5,840 tokens of 6,000; left out: runtime values\n',
    );
    assert.equal(print(false, started({}, 2)), '', 'the second candidate of a turn gets the same prompt');
    const verbose = print(true, started({}));
    assert.match(
      verbose,
      /^ {2}prompt ~5,840 tokens of 6,000\n──── prompt of turn 2: the system prompt \([\d,]+ characters, the same in every request\), then this user message ────\n## Failing tests\nline two\n──── end of the prompt of turn 2 ────\n$/,
    );
  });
});
