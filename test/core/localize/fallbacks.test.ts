import * as assert from 'node:assert/strict';
import { localize } from '../../../src/core/localize';
import type { TestCaseResult } from '../../../src/core/testing/types';

const filler = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `def ${prefix}_${i}():\n    return ${i}\n`).join('\n');

function failing(id: string, file: string): TestCaseResult {
  return { id, name: id.split('::').pop()!, file, status: 'failed', frames: [] };
}

async function localizeIn(files: Record<string, string>, tests: TestCaseResult[]) {
  return localize({
    failing: tests,
    sourceFiles: Object.keys(files).filter((f) => !f.startsWith('tests/')),
    isTestFile: (f) => f.startsWith('tests/'),
    readFile: async (f) => files[f],
  });
}

describe('localize fallbacks (no spectrum, no frame into the code)', () => {
  it('finds the functions a test calls anywhere in the project when its imports lead nowhere', async () => {
    const located = await localizeIn(
      {
        'lib/big.py': `${filler('helper', 40)}\n\ndef wanted(x):\n    return x\n`,
        'lib/other.py': filler('other', 40),
        'tests/test_big.py': 'from somewhere_else import wanted\n\n\ndef test_wanted():\n    assert wanted(1) == 2\n',
      },
      [failing('tests/test_big.py::test_wanted', 'tests/test_big.py')],
    );
    assert.deepEqual(
      located.code.map((s) => s.label),
      ['function wanted, lines 122-123'],
    );
  });

  it('never follows another test’s calls when the failing test’s definition is not found', async () => {
    const located = await localizeIn(
      {
        'lib/big.py': `${filler('helper', 40)}\n\ndef wanted(x):\n    return x\n`,
        'lib/tiny.py': 'def tiny():\n    return 0\n',
        'tests/test_big.py': 'from lib.big import wanted\n\n\ndef test_other():\n    assert wanted(1) == 2\n',
      },
      [failing('tests/test_big.py::test_gone', 'tests/test_big.py')],
    );
    assert.deepEqual(located.tests, []);
    assert.ok(!located.code.some((s) => s.text.includes('def wanted')));
    // Only the last resort remains: the smallest file, whole.
    assert.deepEqual(
      located.code.map((s) => [s.file, s.label]),
      [['lib/tiny.py', 'whole file, 2 lines']],
    );
  });

  it('last resort: small files that define functions first, whole; a large file never whole', async () => {
    const withSmall = await localizeIn(
      {
        'docs/conf.py': 'project = "x"\n',
        'lib/big.py': filler('helper', 40),
        'lib/small.py': 'def small():\n    return 1\n',
      },
      [failing('tests/test_x.py::test_x', 'tests/test_x.py')],
    );
    assert.deepEqual(
      withSmall.code.map((s) => `${s.file}: ${s.label}`),
      ['lib/small.py: whole file, 2 lines', 'docs/conf.py: whole file, 1 lines'],
    );
    const allLarge = await localizeIn({ 'lib/big.py': filler('helper', 40), 'lib/bigger.py': filler('more', 50) }, [
      failing('tests/test_x.py::test_x', 'tests/test_x.py'),
    ]);
    assert.deepEqual(
      allLarge.code.map((s) => s.label),
      ['helper_0', 'helper_1', 'helper_2', 'helper_3', 'helper_4', 'helper_5'].map(
        (name, i) => `function ${name}, lines ${3 * i + 1}-${3 * i + 2}`,
      ),
    );
  });
});
