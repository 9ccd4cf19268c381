import assert from 'node:assert/strict';
import { candidateLabel, changedLines, diffTitle, explanationMarkdown } from '../../src/extension/logic/candidates';
import { firstSentence, oneLine } from '../../src/extension/logic/text';
import { reply } from '../support/replies';
import { recordRepair, type RecordedRepair } from './helpers';

describe('how a verified candidate is presented for review', function () {
  this.timeout(120_000);
  let run: RecordedRepair;

  before(async () => {
    run = await recordRepair('python-buggy', [reply('python-mean-search-replace')]);
  });

  it('titles the diff editor with the file, the rank and the tests that pass', () => {
    const [best] = run.result.candidates;
    assert.ok(best?.fixed, run.result.message);
    assert.equal(diffTitle(best.changes[0]!.path, best, 1, 2), 'core.py ↔ Self-repair candidate 1/2 (4/4 tests pass)');
    assert.equal(candidateLabel(best, 1, 1), 'Self-repair candidate 1/1 (4/4 tests pass)');
  });

  it('explains the candidate in markdown: why, which files, the patch', () => {
    const [best] = run.result.candidates;
    const markdown = explanationMarkdown(best!, 1, 1);
    assert.match(markdown, /^# Self-repair candidate 1\/1 \(4\/4 tests pass\)$/m);
    assert.match(markdown, /changes `stats\/core\.py`/);
    assert.ok(markdown.includes('It divides by `len(xs) - 1`'), markdown);
    assert.ok(markdown.includes('```diff\ndiff --git a/stats/core.py b/stats/core.py'), markdown);
    assert.ok(markdown.includes('+    return sum(xs) / len(xs)\n'));
  });

  it('offers the explanation on hover only over the changed lines', () => {
    const [change] = run.result.candidates[0]!.changes;
    const lines = [...changedLines(change!.before, change!.after)];
    assert.equal(lines.length, 1);
    assert.equal(change!.after.split('\n')[lines[0]!], '    return sum(xs) / len(xs)');
    assert.deepEqual([...changedLines('a\nb\n', 'a\nb\nc\nd\n')], [2, 3]);
    assert.deepEqual([...changedLines('a\nb\nc\n', 'a\nc\n')], []);
  });

  it('cuts the explanation to its first sentence for the notification', () => {
    assert.equal(
      firstSentence(run.result.candidates[0]!.explanation),
      '`mean` should divide the sum of the values by how many there are.',
    );
    assert.equal(firstSentence('## Explanation\nNo full stop here\n\nsecond paragraph'), 'No full stop here');
    assert.equal(
      firstSentence('**Explanation.** `total` adds the price once. Then more.'),
      '`total` adds the price once.',
    );
    assert.equal(firstSentence('__Cause:__ off by one.'), 'off by one.');
    assert.equal(oneLine('  a \n b  ', 10), 'a b');
    assert.equal(oneLine('abcdefghijkl', 5), 'abcd…');
  });
});
