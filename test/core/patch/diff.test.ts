import assert from 'node:assert/strict';
import { applyEdits, diffStats, parseReply, unifiedDiff } from '../../../src/core/patch';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}\n`).join('');

describe('unifiedDiff', () => {
  it('writes git-style headers and three lines of context', () => {
    const before = lines(10);
    const after = before.replace('line 5\n', 'line five\n');
    assert.equal(
      unifiedDiff([{ path: 'src/a.py', before, after }]),
      [
        'diff --git a/src/a.py b/src/a.py',
        '--- a/src/a.py',
        '+++ b/src/a.py',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    );
  });

  it('is empty when nothing changed, and skips unchanged files among changed ones', () => {
    assert.equal(unifiedDiff([]), '');
    assert.equal(unifiedDiff([{ path: 'a.py', before: 'x\n', after: 'x\n' }]), '');
    const diff = unifiedDiff([
      { path: 'a.py', before: 'x\n', after: 'x\n' },
      { path: 'b.py', before: 'y\n', after: 'z\n' },
    ]);
    assert.ok(diff.startsWith('diff --git a/b.py b/b.py\n'));
    assert.ok(!diff.includes('a.py'));
  });

  it('shows a created file against /dev/null', () => {
    assert.equal(
      unifiedDiff([{ path: 'new.py', before: '', after: 'x = 1\n', created: true }]),
      'diff --git a/new.py b/new.py\nnew file mode 100644\n--- /dev/null\n+++ b/new.py\n@@ -0,0 +1,1 @@\n+x = 1\n',
    );
  });

  it('can be applied back by applyEdits, hunk by hunk', async () => {
    const before = { 'a.py': lines(30), 'b.py': 'x = 1\ny = 2\n' };
    const after = {
      'a.py': lines(30).replace('line 3\n', 'line three\n').replace('line 25\n', ''),
      'b.py': 'x = 1\ny = 3\n',
    };
    const diff = unifiedDiff(
      Object.keys(before).map((p) => ({ path: p, before: before[p as 'a.py'], after: after[p as 'a.py'] })),
    );
    const { edits } = parseReply(`The fix:\n\n\`\`\`diff\n${diff}\`\`\``);
    const changes = await applyEdits(edits, {
      readFile: async (p) => before[p as 'a.py'],
      projectFiles: Object.keys(before),
      focusFiles: [],
      isTestFile: () => false,
    });
    assert.deepEqual(Object.fromEntries(changes), after);
  });
});

describe('diffStats', () => {
  it('counts files, added and removed lines', () => {
    const diff = unifiedDiff([
      { path: 'a.py', before: 'a\nb\nc\n', after: 'a\nB\nc\nd\n' },
      { path: 'b.py', before: '-- not a header\n', after: '' },
    ]);
    assert.deepEqual(diffStats(diff), { files: 2, additions: 2, deletions: 2 });
  });

  it('is all zeros for an empty diff', () => {
    assert.deepEqual(diffStats(''), { files: 0, additions: 0, deletions: 0 });
  });
});
