import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findSyntaxProblems, formatSyntaxProblems, languageForFile } from '../../../src/core/syntax';
import { FIXTURES, fixture } from './fixtures';

describe('syntax/check', () => {
  it('reports an unclosed call in Python where the broken statement starts', async () => {
    const problems = await findSyntaxProblems(fixture('broken-python-missing-paren', 'core.py'), 'python');
    assert.deepEqual(problems, [
      { line: 2, column: 5, message: 'syntax error near "return sum(values / len(values)"' },
    ]);
    assert.equal(
      formatSyntaxProblems('stats/core.py', problems),
      'stats/core.py:2:5: syntax error near "return sum(values / len(values)"',
    );
  });

  it('reports a stray dedent in Python, which the grammar itself accepts', async () => {
    const problems = await findSyntaxProblems(fixture('broken-python-stray-indent', 'core.py'), 'python');
    assert.deepEqual(problems, [
      { line: 3, column: 3, message: 'unindent does not match any outer indentation level' },
    ]);
  });

  it('reports a missing parenthesis in JavaScript as missing ")"', async () => {
    const problems = await findSyntaxProblems(fixture('broken-javascript-missing-paren', 'math.js'), 'javascript');
    assert.deepEqual(problems, [{ line: 2, column: 26, message: 'missing ")"' }]);
  });

  it('finds no problem in any valid fixture', async () => {
    const valid = fs.readdirSync(FIXTURES).filter((scenario) => !scenario.startsWith('broken-'));
    assert.ok(valid.length >= 5);
    for (const scenario of valid) {
      for (const file of fs.readdirSync(path.join(FIXTURES, scenario))) {
        const lang = languageForFile(file);
        if (!lang) continue;
        assert.deepEqual(await findSyntaxProblems(fixture(scenario, file), lang), [], `${scenario}/${file}`);
      }
    }
  });

  describe('Python indentation', () => {
    const check = (text: string) => findSyntaxProblems(text, 'python');

    it('rejects an indent no block asked for', async () => {
      assert.deepEqual(await check('x = 1\n    y = 2\n'), [{ line: 2, column: 5, message: 'unexpected indent' }]);
    });

    it('rejects a block header with no indented body', async () => {
      assert.deepEqual(await check('def f(x):\nreturn x\n'), [
        { line: 2, column: 1, message: 'expected an indented block after line 1' },
      ]);
    });

    it('rejects an else that lines up with nothing', async () => {
      const text = 'if x:\n    a = 1\n  else:\n    b = 2\n';
      assert.deepEqual(await check(text), [
        { line: 3, column: 3, message: 'unindent does not match any outer indentation level' },
      ]);
    });

    it('accepts nested blocks, clauses, decorators, continuation lines, tabs and comments at any indent', async () => {
      const text = [
        'import os',
        '',
        '@decorator(',
        '        1)',
        'def f(items):',
        '  # two-space body',
        '  for item in items:',
        '      try:',
        '          total = (item +',
        '                   1)',
        '      except ValueError:',
        '          pass',
        '      else:',
        '          continue',
        '# a comment at column 0',
        '  if items: return None',
        '  return """text',
        'at column 0"""',
        '',
        'class C:',
        '\tdef m(self):',
        '\t\treturn 1',
        '',
      ].join('\n');
      assert.deepEqual(await check(text), []);
    });
  });

  it('formats several problems one per line', () => {
    const text = formatSyntaxProblems('src/a.ts', [
      { line: 1, column: 2, message: 'missing ";"' },
      { line: 4, column: 1, message: 'syntax error near "}"' },
    ]);
    assert.equal(text, 'src/a.ts:1:2: missing ";"\nsrc/a.ts:4:1: syntax error near "}"');
  });
});
