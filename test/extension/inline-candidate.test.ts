import assert from 'node:assert/strict';
import { candidateFacts, explanationMarkdown, whyLine } from '../../src/extension/logic/candidates';
import { allBut, applyHunks, hunksOf, hunkView } from '../../src/extension/logic/hunks';
import { reply } from '../support/replies';
import { recordRepair, type RecordedRepair } from './helpers';

describe('a real two-change candidate as the inline review shows it (python-buggy)', function () {
  this.timeout(180_000);
  let run: RecordedRepair;

  before(async () => {
    // Turn 1 breaks median (verified, not fixed); turn 2 fixes mean and comments variance.
    run = await recordRepair('python-buggy', [reply('python-breaks-median'), reply('python-mean-two-changes')]);
  });

  it('finds the two changes, the partial accept being the fix of mean alone', () => {
    assert.equal(run.result.status, 'fixed', run.result.message);
    const best = run.result.candidates.find((c) => c.fixed)!;
    const [change] = best.changes;
    const hunks = hunksOf(change!.before, change!.after);
    assert.equal(hunks.length, 2);
    assert.equal(applyHunks(change!.before, hunks, allBut(hunks)), change!.after);
    const meanOnly = applyHunks(change!.before, hunks, new Set([0]));
    assert.ok(meanOnly.includes('    return sum(xs) / len(xs)\n'));
    assert.ok(!meanOnly.includes('# the mean of the values'));
    assert.deepEqual(
      hunks.map((h) => hunkView(h).ghosts.map((g) => g.text)),
      [['→ return sum(xs) / len(xs)'], ['+ # the mean of the values, then the mean squared distance from it']],
    );
  });

  it('says why, on which turn, how many tests pass and what it cost; the earlier turn one click away', () => {
    const best = run.result.candidates.find((c) => c.fixed)!;
    const tokens = run.result.usage.promptTokens + run.result.usage.completionTokens;
    assert.ok(tokens > 0);
    assert.match(candidateFacts(best, tokens), /^turn 2 · 4\/4 tests pass · [\d.]+k? tokens$/);
    assert.match(
      whyLine(best, tokens),
      /^Why: `mean` divides the sum by `len\(xs\) - 1` instead of the number of values, /,
    );
    const earlier = run.result.candidates.filter((c) => c !== best);
    assert.ok(earlier.length >= 1);
    const markdown = explanationMarkdown(best, 1, 1, { tokens, earlier });
    assert.match(markdown, /^## Earlier attempts$/m);
    assert.match(markdown, /^### Turn 1, candidate 1 \(\d\/4 tests pass\)/m);
    assert.ok(markdown.includes(earlier[0]!.explanation.trim()));
  });
});
