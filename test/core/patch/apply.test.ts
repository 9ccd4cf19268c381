import assert from 'node:assert/strict';
import {
  applyEdits,
  locateProjectFile,
  parseReply,
  PatchError,
  type ApplyContext,
  type Edit,
} from '../../../src/core/patch';
import { replaceFunctionDefinition } from '../../../src/core/syntax/functions';
import { languageForFile } from '../../../src/core/syntax/parser';

const CORE =
  'import math\n\n\ndef mean(values):\n    return sum(values) / (len(values) - 1)\n\n\ndef stdev(values):\n    return math.sqrt(mean(values))\n';

function project(files: Record<string, string>, focus?: string[]): ApplyContext {
  const paths = Object.keys(files);
  const isTestFile = (f: string) => f.startsWith('tests/');
  return {
    readFile: async (f) => files[f],
    projectFiles: paths,
    focusFiles: focus ?? paths.filter((f) => !isTestFile(f)),
    isTestFile,
    replaceFunction: async (source, file, code) => replaceFunctionDefinition(source, languageForFile(file)!, code),
  };
}

async function refusal(edits: Edit[], ctx: ApplyContext): Promise<string> {
  try {
    await applyEdits(edits, ctx);
  } catch (error) {
    assert.ok(error instanceof PatchError, String(error));
    return error.message;
  }
  assert.fail('the edits were applied');
}

const sr = (file: string | undefined, search: string, replace: string): Edit => ({
  kind: 'search-replace',
  file,
  search,
  replace,
});

describe('locateProjectFile', () => {
  const files = ['stats/core.py', 'core.py', 'lib/util.py', 'tools/util.py', 'b/odd.py'];

  it('resolves exact, ./, a/ b/, absolute, Windows and suffix spellings', () => {
    assert.equal(locateProjectFile('stats/core.py', files), 'stats/core.py');
    assert.equal(locateProjectFile('./stats/core.py', files), 'stats/core.py');
    assert.equal(locateProjectFile('b/stats/core.py', files), 'stats/core.py');
    assert.equal(locateProjectFile('b/odd.py', files), 'b/odd.py');
    assert.equal(locateProjectFile('/home/me/proj/stats/core.py', files), 'stats/core.py');
    assert.equal(locateProjectFile('C:\\work\\proj\\stats\\core.py', files), 'stats/core.py');
    assert.equal(locateProjectFile('`core.py`', files), 'core.py');
    assert.equal(locateProjectFile('proj/core.py', files), 'core.py');
    assert.equal(locateProjectFile('missing.py', files), undefined);
  });

  it('refuses a short path that fits several files', () => {
    assert.throws(
      () => locateProjectFile('util.py', files),
      /util.py matches several project files \(lib\/util.py, tools\/util.py\); give the full path/,
    );
  });
});

describe('applyEdits', () => {
  it('applies several edits to one file in order, each on the result of the one before', async () => {
    const changes = await applyEdits(
      [
        sr('stats/core.py', '    return sum(values) / (len(values) - 1)\n', '    return sum(values) / len(values)\n'),
        sr(
          'stats/core.py',
          'def mean(values):\n    return sum(values) / len(values)\n',
          'def mean(values):\n    """Average."""\n    return sum(values) / len(values)\n',
        ),
      ],
      project({ 'stats/core.py': CORE }),
    );
    assert.deepEqual(
      [...changes],
      [
        [
          'stats/core.py',
          CORE.replace(
            '    return sum(values) / (len(values) - 1)\n',
            '    """Average."""\n    return sum(values) / len(values)\n',
          ),
        ],
      ],
    );
  });

  it('returns only the files whose content changed', async () => {
    const changes = await applyEdits(
      [sr('a.py', 'x = 1\n', 'x = 1\n'), sr('b.py', 'y = 1\n', 'y = 2\n')],
      project({ 'a.py': 'x = 1\n', 'b.py': 'y = 1\n' }),
    );
    assert.deepEqual([...changes.keys()], ['b.py']);
  });

  it('creates a new file from an empty SEARCH block but refuses one for a file that has content', async () => {
    const ctx = project({ 'stats/core.py': CORE });
    const created = await applyEdits([sr('stats/helpers.py', '', 'def half(x):\n    return x / 2\n')], ctx);
    assert.deepEqual([...created], [['stats/helpers.py', 'def half(x):\n    return x / 2\n']]);
    assert.equal(
      await refusal([sr('stats/core.py', '', 'x = 1\n')], ctx),
      'a SEARCH block for stats/core.py is empty; copy the lines to replace into it',
    );
  });

  it('refuses to create test files or files outside the project', async () => {
    const ctx = project({ 'stats/core.py': CORE });
    assert.equal(
      await refusal([{ kind: 'whole-file', file: 'tests/test_new.py', content: 'def test_ok():\n    pass\n' }], ctx),
      'candidate edits test file tests/test_new.py; tests are read-only',
    );
    assert.equal(
      await refusal([{ kind: 'whole-file', file: '../evil.py', content: 'x = 1\n' }], ctx),
      'the reply creates ../evil.py, which is outside the project',
    );
  });

  it('passes over a code block that only quotes a test, but refuses one that changes it', async () => {
    const test = 'from stats.core import mean\n\n\ndef test_mean():\n    assert mean([1, 2, 3]) == 2\n';
    const ctx = project({ 'stats/core.py': CORE, 'tests/test_core.py': test });
    const quote: Edit = {
      kind: 'whole-file',
      file: 'tests/test_core.py',
      content: 'def test_mean():\n    assert mean([1, 2, 3]) == 2\n',
    };
    const fix: Edit = {
      kind: 'whole-file',
      file: 'stats/core.py',
      content: CORE.replace('(len(values) - 1)', 'len(values)'),
    };
    assert.deepEqual([...(await applyEdits([quote, fix], ctx)).keys()], ['stats/core.py']);
    const changed: Edit = { ...quote, content: 'def test_mean():\n    assert mean([1, 2, 3]) == 3\n' };
    assert.equal(
      await refusal([changed, fix], ctx),
      'candidate edits test file tests/test_core.py; tests are read-only',
    );
  });

  it('refuses a diff that would create a file (only whole files and empty SEARCH blocks may)', async () => {
    const edits = parseReply('```diff\n--- /dev/null\n+++ b/stats/new.py\n@@ -0,0 +1 @@\n+x = 1\n```').edits;
    assert.equal(
      await refusal(edits, project({ 'stats/core.py': CORE })),
      'the reply edits stats/new.py, which is not a file of the project',
    );
  });

  it('refuses a block the reply left unclosed, with its problem', async () => {
    const { edits } = parseReply(
      'stats/core.py\n<<<<<<< SEARCH\n    return sum(values) / (len(values) - 1)\n=======\n    return 0\n',
    );
    assert.equal(
      await refusal(edits, project({ 'stats/core.py': CORE })),
      'the SEARCH block for stats/core.py is not closed by >>>>>>> REPLACE',
    );
  });

  it('says which lines after a found first line do not match', async () => {
    const message = await refusal(
      [
        sr(
          'stats/core.py',
          'def mean(values):\n    return sum(values) / len(values)\n',
          'def mean(values):\n    return 0\n',
        ),
      ],
      project({ 'stats/core.py': CORE }),
    );
    assert.equal(
      message,
      'SEARCH block does not match stats/core.py: the lines after `def mean(values):` differ from the file',
    );
  });

  it('prefers the stricter match: an exact match is not ambiguous with one that differs in indentation', async () => {
    const file = 'def f():\n    return 1\n\nclass A:\n    def f():\n        return 1\n';
    const changes = await applyEdits(
      [sr('m.py', 'def f():\n    return 1\n', 'def f():\n    return 2\n')],
      project({ 'm.py': file }),
    );
    assert.equal(changes.get('m.py'), file.replace('    return 1\n\nclass', '    return 2\n\nclass'));
  });

  it('re-indents a replacement the model indented too deeply', async () => {
    const file = 'def f(x):\n    if x:\n        return 1\n    return 0\n';
    const changes = await applyEdits(
      [sr('m.py', '        if x:\n            return 1\n', '        if x > 0:\n            return 1\n')],
      project({ 'm.py': file }),
    );
    assert.equal(changes.get('m.py'), 'def f(x):\n    if x > 0:\n        return 1\n    return 0\n');
  });

  it('replaces a one-line SEARCH that is only part of a line when it occurs once, and refuses it otherwise', async () => {
    const ctx = project({ 'stats/core.py': CORE });
    const changes = await applyEdits([sr('stats/core.py', '(len(values) - 1)\n', 'len(values)\n')], ctx);
    assert.equal(changes.get('stats/core.py'), CORE.replace('(len(values) - 1)', 'len(values)'));
    assert.equal(
      await refusal([sr('stats/core.py', 'values)\n', 'xs)\n')], ctx),
      'SEARCH block matches several places in stats/core.py; include more context',
    );
  });

  it('keeps a file without a final newline without one', async () => {
    const changes = await applyEdits([sr('m.py', 'x = 1\n', 'x = 2\n')], project({ 'm.py': 'y = 0\nx = 1' }));
    assert.equal(changes.get('m.py'), 'y = 0\nx = 2');
  });

  it("writes a whole file with the original file's CRLF line endings", async () => {
    const changes = await applyEdits(
      [{ kind: 'whole-file', file: 'm.py', content: 'a = 1\nb = 3\n' }],
      project({ 'm.py': 'a = 1\r\nb = 2\r\n' }),
    );
    assert.equal(changes.get('m.py'), 'a = 1\r\nb = 3\r\n');
  });

  it('refuses an edit that names no file when no source file is in focus', async () => {
    assert.equal(
      await refusal([sr(undefined, 'x\n', 'y\n')], project({ 'm.py': 'x\n' }, [])),
      'an edit names no file; name the file before each edit',
    );
  });

  it('refuses a reply without edits', async () => {
    assert.equal(
      await refusal([], project({ 'm.py': 'x\n' })),
      'the reply contains no edit (no SEARCH/REPLACE block, diff or code block)',
    );
  });

  // Whole-function edits go through tree-sitter (src/core/syntax): kept last.
  describe('whole functions (tree-sitter)', () => {
    it('replaces a named whole-file block that is only a function as that function', async () => {
      const edits: Edit[] = [
        {
          kind: 'whole-file',
          file: 'stats/core.py',
          content: 'def mean(values):\n    return sum(values) / len(values)\n',
        },
      ];
      const changes = await applyEdits(edits, project({ 'stats/core.py': CORE }));
      assert.equal(changes.get('stats/core.py'), CORE.replace('(len(values) - 1)', 'len(values)'));
    });

    it('refuses a function that two focus files define', async () => {
      const util = 'def mean(values):\n    return 0\n';
      const edits: Edit[] = [
        { kind: 'whole-function', code: 'def mean(values):\n    return sum(values) / len(values)\n' },
      ];
      assert.equal(
        await refusal(edits, project({ 'stats/core.py': CORE, 'stats/util.py': util })),
        "the reply's mean matches functions in stats/core.py and stats/util.py; name the file",
      );
    });

    it('refuses a function that no focus file defines', async () => {
      const edits: Edit[] = [{ kind: 'whole-function', code: 'def median(values):\n    return 0\n' }];
      assert.equal(
        await refusal(edits, project({ 'stats/core.py': CORE, 'stats/util.py': 'x = 1\n' })),
        "the reply's median matches no function of stats/core.py, stats/util.py",
      );
      assert.equal(
        await refusal(edits, project({ 'stats/core.py': CORE })),
        "the reply's median matches no single function of stats/core.py (or does not parse)",
      );
    });

    it('refuses a whole-function edit when no function replacement is available', async () => {
      const ctx = { ...project({ 'stats/core.py': CORE }), replaceFunction: undefined };
      const edits: Edit[] = [{ kind: 'whole-function', code: 'def mean(values):\n    return 1\n' }];
      assert.equal(await refusal(edits, ctx), 'cannot place mean in stats/core.py: no function replacement available');
    });
  });
});
