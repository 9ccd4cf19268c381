import assert from 'node:assert/strict';
import { allBut, applyHunks, hunkDiff, hunksOf, hunkView } from '../../src/extension/logic/hunks';
import { partialWarning, reviewOutcomeText, reviewingText } from '../../src/extension/logic/review-status';

const before = [
  'def mean(xs):',
  '    return sum(xs) / (len(xs) - 1)',
  '',
  'def median(xs):',
  '    return xs[0]',
  '',
].join('\n');
const after = [
  'def mean(xs):',
  '    return sum(xs) / len(xs)',
  '',
  'def median(xs):',
  '    s = sorted(xs)',
  '    return s[len(s) // 2]',
  '',
].join('\n');

describe('the hunks of a candidate, as the inline review shows them', () => {
  it('finds each changed place with its removed and added lines, positioned in the text before', () => {
    const hunks = hunksOf(before, after);
    assert.deepEqual(hunks, [
      { start: 1, removed: ['    return sum(xs) / (len(xs) - 1)\n'], added: ['    return sum(xs) / len(xs)\n'] },
      { start: 4, removed: ['    return xs[0]\n'], added: ['    s = sorted(xs)\n', '    return s[len(s) // 2]\n'] },
    ]);
  });

  it('applies every hunk, none, or only some (a partial accept)', () => {
    const hunks = hunksOf(before, after);
    assert.equal(applyHunks(before, hunks, allBut(hunks)), after);
    assert.equal(applyHunks(before, hunks, new Set()), before);
    const first = applyHunks(before, hunks, new Set([0]));
    assert.equal(first, before.replace('(len(xs) - 1)', 'len(xs)'));
    assert.deepEqual(hunksOf(first, after), [{ ...hunks[1]!, start: 4 }]);
    assert.equal(applyHunks(before, hunks, allBut(hunks, 0)), after.replace('len(xs)\n', '(len(xs) - 1)\n'));
  });

  it('keeps CRLF line ends and a last line without one', () => {
    const crlf = 'a\r\nb\r\nc';
    const hunks = hunksOf(crlf, 'a\r\nB\r\nc');
    assert.equal(applyHunks(crlf, hunks, allBut(hunks)), 'a\r\nB\r\nc');
    const tail = hunksOf('x\ny', 'x\nz');
    assert.equal(applyHunks('x\ny', tail, allBut(tail)), 'x\nz');
  });

  it('shows an added line beside the line it replaces, extra ones after it, an insertion after the line before', () => {
    const [first, second] = hunksOf(before, after);
    assert.deepEqual(hunkView(first!), {
      removedLines: [1],
      ghosts: [{ line: 1, text: '→ return sum(xs) / len(xs)' }],
      lensLine: 1,
    });
    assert.deepEqual(hunkView(second!).ghosts, [{ line: 4, text: '→ s = sorted(xs) ⏎ + return s[len(s) // 2]' }]);
    const [insertion] = hunksOf('a\nb\n', 'a\nnew\nb\n');
    assert.deepEqual(hunkView(insertion!), { removedLines: [], ghosts: [{ line: 0, text: '+ new' }], lensLine: 0 });
    assert.equal(hunkDiff(second!), '-    return xs[0]\n+    s = sorted(xs)\n+    return s[len(s) // 2]');
  });
});

describe('what the status bar says about a review', () => {
  it('names how it ended, and that a partial accept was not verified', () => {
    assert.equal(reviewOutcomeText({ kind: 'accepted' }), '$(check) Self-repair: accepted');
    assert.equal(reviewOutcomeText({ kind: 'rejected' }), '$(close) Self-repair: rejected');
    assert.match(
      reviewOutcomeText({ kind: 'partial', accepted: 1, total: 2 }),
      /accepted 1 of 2 changes \(not verified/,
    );
    assert.match(partialWarning(1, 2), /not verified by the tests/);
    assert.equal(
      reviewingText('Self-repair candidate 1/2 (4/4 tests pass)'),
      '$(eye) Self-repair: fixed · reviewing candidate 1/2 (4/4 tests pass)',
    );
  });
});
