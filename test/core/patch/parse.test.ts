import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseReply, pathFromLabel } from '../../../src/core/patch';

const FENCE = '```';
const fixtureReply = (name: string) =>
  readFileSync(path.resolve(__dirname, '../../fixtures/patch', name, 'reply.md'), 'utf8');

describe('parseReply: explanation', () => {
  it('keeps only the "Explanation" section when the reply has one', () => {
    assert.equal(
      parseReply(fixtureReply('search-replace-basic')).explanation,
      '`mean` divides the sum by `len(values) - 1`, which is the divisor of the sample variance, not of the\n' +
        'mean. For `[1, 2, 3]` that gives 6 / 2 = 3.',
    );
  });

  it('keeps all prose outside the blocks when there is no explanation heading, without the path labels', () => {
    assert.equal(
      parseReply(fixtureReply('search-replace-multi-file')).explanation,
      'Two bugs: `mean` uses the wrong divisor and `clamp` returns `low` for values above `high`.\n\nAnd in the helper:',
    );
  });

  it('reads an inline "**Explanation:** …" and stops at the edit that follows it', () => {
    assert.equal(parseReply(fixtureReply('unified-diff-basic')).explanation, '`mean` divides by `n - 1`.');
  });

  it('joins several explanation sections, keeps sub-headings inside them, and drops the fix section', () => {
    const reply = [
      'Sure, happy to help!',
      '',
      '## Root cause',
      '',
      '',
      '',
      '`mean` divides by `n - 1`.   ',
      '',
      '**Detail**',
      'For three values that is 6 / 2.',
      '',
      '## Fix',
      'Divide by `len(values)` instead:',
      '',
      'stats/core.py',
      '<<<<<<< SEARCH',
      '    return sum(values) / (len(values) - 1)',
      '=======',
      '    return sum(values) / len(values)',
      '>>>>>>> REPLACE',
      '',
      'Explanation: the old divisor is the sample-variance one.',
    ].join('\n');
    assert.equal(
      parseReply(reply).explanation,
      '`mean` divides by `n - 1`.\n\nFor three values that is 6 / 2.\n\nthe old divisor is the sample-variance one.',
    );
  });

  it('treats a bold phrase opening a paragraph as prose, not as a heading', () => {
    const reply = '## Explanation\n**The bug**: the divisor is `n - 1`.\n\n## Fix\nUse `n`.';
    assert.equal(parseReply(reply).explanation, '**The bug**: the divisor is `n - 1`.');
  });

  it('leaves out code blocks that are not edits (output, shell commands)', () => {
    const reply = `It fails:\n\n${FENCE}console\n$ pytest\nFAILED\n${FENCE}\n\nRun:\n\n${FENCE}bash\npytest -q\n${FENCE}\nDone.`;
    const parsed = parseReply(reply);
    assert.equal(parsed.explanation, 'It fails:\n\nRun:\n\nDone.');
    assert.deepEqual(parsed.edits, []);
  });
});

describe('parseReply: SEARCH/REPLACE blocks', () => {
  it('reads the path in its usual spellings, before the fence or inside it', () => {
    const labels = [
      'stats/core.py',
      '`stats/core.py`',
      '**stats/core.py**',
      '**`stats/core.py`**',
      'File: stats/core.py',
      '### stats/core.py',
      'stats/core.py (function mean, lines 4-7):',
      'Update `stats/core.py`:',
    ];
    for (const label of labels) {
      for (const reply of [
        `${label}\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n`,
        `${label}\n\n${FENCE}python\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n${FENCE}\n`,
        `Fix:\n${FENCE}python\n${label}\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n${FENCE}\n`,
      ]) {
        assert.deepEqual(
          parseReply(reply).edits,
          [{ kind: 'search-replace', file: 'stats/core.py', search: 'a\n', replace: 'b\n' }],
          reply,
        );
      }
    }
    assert.deepEqual(
      parseReply(`${FENCE}python:stats/core.py\n<<<<<<< SEARCH\na\n=======\nb\n>>>>>>> REPLACE\n${FENCE}`).edits.map(
        (e) => e.file,
      ),
      ['stats/core.py'],
    );
  });

  it('does not take a sentence for a path', () => {
    assert.equal(pathFromLabel('Here is the fix.'), undefined);
    assert.equal(pathFromLabel('The bug is in `stats/core.py`, line 7.'), undefined);
    assert.equal(pathFromLabel('Python 3.11:'), undefined);
    assert.equal(pathFromLabel('# File: src\\stats\\core.py'), 'src/stats/core.py');
  });

  it('keeps blank lines and deletions exact: "" is no line, "\\n" one blank line', () => {
    const reply =
      'x.py\n<<<<<<< SEARCH\n    a = 1\n\n=======\n>>>>>>> REPLACE\nx.py\n<<<<<<< SEARCH\n=======\n\n>>>>>>> REPLACE';
    assert.deepEqual(
      parseReply(reply).edits.map((e) => e.kind === 'search-replace' && [e.search, e.replace]),
      [
        ['    a = 1\n\n', ''],
        ['', '\n'],
      ],
    );
  });

  it("reuses the previous block's path for a block that names none", () => {
    const reply =
      'a.py\n<<<<<<< SEARCH\n1\n=======\n2\n>>>>>>> REPLACE\n\n<<<<<<< SEARCH\n3\n=======\n4\n>>>>>>> REPLACE\n';
    assert.deepEqual(
      parseReply(reply).edits.map((e) => e.file),
      ['a.py', 'a.py'],
    );
  });

  it('marks a block the reply never closes, so that applying it fails with a clear message', () => {
    const [edit] = parseReply('x.py\n<<<<<<< SEARCH\nold\n=======\nnew\n').edits;
    assert.equal(
      edit.kind === 'search-replace' && edit.problem,
      'the SEARCH block for x.py is not closed by >>>>>>> REPLACE',
    );
    const [noDivider] = parseReply(`x.py\n${FENCE}\n<<<<<<< SEARCH\nold\n${FENCE}\nmore prose`).edits;
    assert.equal(
      noDivider.kind === 'search-replace' && noDivider.problem,
      'the SEARCH block for x.py has no ======= line',
    );
  });

  it('prefers SEARCH/REPLACE blocks to code blocks that show code', () => {
    const edits = parseReply(fixtureReply('search-replace-after-quoted-original')).edits;
    assert.deepEqual(
      edits.map((e) => e.kind),
      ['search-replace'],
    );
  });
});

describe('parseReply: unified diffs', () => {
  it("splits a multi-file diff per file and drops git's a/ b/ prefixes", () => {
    const edits = parseReply(fixtureReply('unified-diff-multi-file')).edits;
    assert.deepEqual(
      edits.map((e) => [e.kind, e.file]),
      [
        ['unified-diff', 'stats/core.py'],
        ['unified-diff', 'stats/util.py'],
      ],
    );
    assert.ok(
      edits[1].kind === 'unified-diff' &&
        edits[1].diff.startsWith('diff --git a/stats/util.py b/stats/util.py\n--- a/stats/util.py\n'),
    );
  });

  it('reads a diff outside any fence, and a headerless one under a path label', () => {
    const bare = parseReply('Here it is:\n--- x.py\n+++ x.py\n@@ -1 +1 @@\n-a\n+b\n\nThat is all.');
    assert.deepEqual(bare.edits, [
      { kind: 'unified-diff', file: 'x.py', diff: '--- x.py\n+++ x.py\n@@ -1 +1 @@\n-a\n+b\n' },
    ]);
    assert.equal(bare.explanation, 'Here it is:\n\nThat is all.');
    const headerless = parseReply(`\`lib/x.py\`:\n${FENCE}diff\n@@ @@\n-a\n+b\n${FENCE}`);
    assert.deepEqual(headerless.edits, [{ kind: 'unified-diff', file: 'lib/x.py', diff: '@@ @@\n-a\n+b\n' }]);
  });
});

describe('parseReply: code blocks', () => {
  const fn = 'def mean(values):\n    return sum(values) / len(values)\n';

  it('takes a block without a path that defines a function as a whole-function edit', () => {
    assert.deepEqual(parseReply(`Fixed:\n${FENCE}python\n${fn}${FENCE}`).edits, [
      { kind: 'whole-function', code: fn, language: 'python' },
    ]);
  });

  it('takes a block naming its path (fence info, label, or first comment) as a whole-file edit', () => {
    for (const reply of [
      `${FENCE}python title="stats/core.py"\n${fn}${FENCE}`,
      `${FENCE}python:stats/core.py\n${fn}${FENCE}`,
      `${FENCE}stats/core.py\n${fn}${FENCE}`,
      `stats/core.py:\n${FENCE}python\n${fn}${FENCE}`,
      `${FENCE}python\n# stats/core.py\n${fn}${FENCE}`,
      `${FENCE}python\n\n# File: stats/core.py\n${fn}${FENCE}`,
    ]) {
      assert.deepEqual(parseReply(reply).edits, [{ kind: 'whole-file', file: 'stats/core.py', content: fn }], reply);
    }
  });

  it('keeps only the last of several blocks defining the same function (the "before" then "after" habit)', () => {
    const old = 'def mean(values):\n    return sum(values) / (len(values) - 1)\n';
    assert.deepEqual(
      parseReply(`Before:\n${FENCE}python\n${old}${FENCE}\nAfter:\n${FENCE}python\n${fn}${FENCE}`).edits,
      [{ kind: 'whole-function', code: fn, language: 'python' }],
    );
  });

  it('ignores fragments, tests, output and commands', () => {
    const reply = [
      `${FENCE}python\nreturn sum(values) / len(values)\n${FENCE}`,
      `${FENCE}python\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n${FENCE}`,
      `${FENCE}text\ndef mean(values): ...\n${FENCE}`,
      `${FENCE}\n$ python -c 'def f(): pass'\n${FENCE}`,
      `${FENCE}sh\nnpm test\n${FENCE}`,
    ].join('\n\n');
    assert.deepEqual(parseReply(reply).edits, []);
  });

  it('treats a named shell script as a whole file', () => {
    assert.deepEqual(parseReply(`scripts/run.sh\n${FENCE}bash\necho hi\n${FENCE}`).edits, [
      { kind: 'whole-file', file: 'scripts/run.sh', content: 'echo hi\n' },
    ]);
  });
});

describe('parseReply: a reply wrapped in a markdown fence', () => {
  it('reads what is inside the wrapper', () => {
    const parsed = parseReply(fixtureReply('search-replace-in-markdown-wrapper'));
    assert.equal(parsed.explanation, '`mean` divides by `n - 1`.');
    assert.deepEqual(
      parsed.edits.map((e) => [e.kind, e.file]),
      [['search-replace', 'stats/core.py']],
    );
  });
});
