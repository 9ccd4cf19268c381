import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FileChange } from '../../src/core/repair/types';
import { minimalEdit, planAccept } from '../../src/extension/logic/rebase';
import { FIXTURE_PROJECTS } from '../support/projects';

const CORE = 'stats/core.py';
const original = readFileSync(path.join(FIXTURE_PROJECTS, 'python-buggy', CORE), 'utf8');
const fixedText = original.replace('return sum(xs) / (len(xs) - 1)', 'return sum(xs) / len(xs)');
const change: FileChange = { path: CORE, before: original, after: fixedText };

function apply(text: string, edit: { start: number; end: number; text: string }): string {
  return text.slice(0, edit.start) + edit.text + text.slice(edit.end);
}

describe('accepting a candidate', () => {
  it('writes the candidate as is when the file is as the repair found it', async () => {
    const plan = await planAccept([change], new Map([[CORE, original]]));
    assert.deepEqual(plan, { ok: true, files: [{ path: CORE, text: fixedText, create: false, rebased: false }] });
  });

  it('places the candidate onto the user\u2019s edits elsewhere in the file, keeping both', async () => {
    const edited = original.replace(
      'def median(xs):',
      'def median(xs):\n    # sorted copy, so the caller\u2019s list stays as it is',
    );
    assert.notEqual(edited, original);
    const plan = await planAccept([change], new Map([[CORE, edited]]));
    assert.ok(plan.ok, JSON.stringify(plan));
    const [file] = plan.files;
    assert.equal(file!.rebased, true);
    assert.ok(file!.text.includes('return sum(xs) / len(xs)'));
    assert.ok(file!.text.includes('# sorted copy, so the caller\u2019s list stays as it is'));
    assert.ok(!file!.text.includes('(len(xs) - 1)'));
  });

  it('refuses, writing nothing, when the user changed the lines the candidate changes or their context', async () => {
    const edited = original.replace('return sum(xs) / (len(xs) - 1)', 'return sum(xs) / max(1, len(xs) - 1)');
    const other: FileChange = { path: 'stats/extra.py', before: '', after: 'X = 1\n', created: true };
    const plan = await planAccept(
      [other, change],
      new Map([
        [CORE, edited],
        ['stats/extra.py', undefined],
      ]),
    );
    assert.deepEqual(plan, {
      ok: false,
      message:
        'stats/core.py changed since the repair started and the candidate does not fit your edits; nothing was changed (repair again)',
    });
    const context = original.replace('def median(xs):', 'def median(values):');
    assert.equal((await planAccept([change], new Map([[CORE, context]]))).ok, false);
  });

  it('refuses when a changed file was deleted, and creates new files', async () => {
    assert.deepEqual(await planAccept([change], new Map([[CORE, undefined]])), {
      ok: false,
      message: 'stats/core.py was deleted since the repair started; nothing was changed',
    });
    const created: FileChange = { path: 'stats/extra.py', before: '', after: 'X = 1\n', created: true };
    assert.deepEqual(await planAccept([created], new Map([['stats/extra.py', undefined]])), {
      ok: true,
      files: [{ path: 'stats/extra.py', text: 'X = 1\n', create: true, rebased: false }],
    });
    assert.equal((await planAccept([created], new Map([['stats/extra.py', 'Y = 2\n']]))).ok, false);
  });

  it('skips a file that already holds the candidate', async () => {
    assert.deepEqual(await planAccept([change], new Map([[CORE, fixedText]])), { ok: true, files: [] });
  });

  it('keeps CRLF line endings when rebasing', async () => {
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const crlfChange: FileChange = { path: CORE, before: crlf(original), after: crlf(fixedText) };
    const edited = crlf(`${original}\n# more to come\n`);
    const plan = await planAccept([crlfChange], new Map([[CORE, edited]]));
    assert.ok(plan.ok && plan.files[0]!.rebased);
    assert.ok(plan.ok && !/[^\r]\n/.test(plan.files[0]!.text), 'every line still ends in CRLF');
    assert.ok(plan.ok && plan.files[0]!.text.includes('return sum(xs) / len(xs)\r\n'));
  });

  describe('the edit it makes in the document', () => {
    it('replaces only the span that differs', () => {
      const edit = minimalEdit(original, fixedText);
      assert.equal(apply(original, edit), fixedText);
      assert.ok(edit.end - edit.start < 20 && edit.start > original.indexOf('def mean'), JSON.stringify(edit));
    });

    it('never cuts a CRLF pair or a surrogate pair', () => {
      const before = 'a\r\nb';
      const after = 'a\r\nc';
      const crlf = minimalEdit('x\r\ny', 'x\ny');
      assert.equal(apply('x\r\ny', crlf), 'x\ny');
      assert.ok(!(crlf.start === 2 && 'x\r\ny'[1] === '\r'), 'does not start between \\r and \\n');
      assert.equal(apply(before, minimalEdit(before, after)), after);
      const emoji = minimalEdit('a😀b', 'a😃b');
      assert.equal(apply('a😀b', emoji), 'a😃b');
      assert.equal(emoji.start, 1, 'starts before the whole pair');
      assert.equal(emoji.end, 3, 'ends after the whole pair');
      assert.deepEqual(minimalEdit('same', 'same'), { start: 4, end: 4, text: '' });
    });
  });
});
