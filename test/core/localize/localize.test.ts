import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { localize } from '../../../src/core/localize';
import { ProcessRunner } from '../../../src/core/sandbox';
import { runTests, selectAdapter } from '../../../src/core/testing';
import { isFailing, type TestCaseResult } from '../../../src/core/testing/types';
import { copyProject } from '../../support/projects';

/** Real failures from a real run, on a copy: test runs may leave caches behind. */
async function failingOf(project: string) {
  const copy = await copyProject(project);
  after(() => copy.remove());
  const { root } = copy;
  const adapter = await selectAdapter(root);
  const report = await runTests({
    runner: new ProcessRunner(),
    root,
    adapter,
    command: await adapter.defaultCommand(root),
    timeoutMs: 60_000,
  });
  return { root, adapter, failing: report.tests.filter(isFailing) };
}

describe('localize (failures → the code to show the model)', function () {
  this.timeout(60_000);

  for (const [project, source, test, fn] of [
    ['python-buggy', 'stats/core.py', 'def test_mean', 'mean'],
    ['js-buggy', 'src/cart.js', "test('total multiplies price by quantity'", 'total'],
  ] as const) {
    it(`${project}: shows the failing test read-only and the code under test, pointing at ${fn}`, async () => {
      const { root, adapter, failing } = await failingOf(project);
      const located = await localize({
        failing,
        sourceFiles: [source],
        isTestFile: (f) => adapter.isTestFile(f),
        readFile: (f) => readFile(path.join(root, f), 'utf8').catch(() => undefined),
      });
      assert.deepEqual(located.focusFiles, [source]);
      assert.equal(located.tests.length, 1);
      assert.ok(located.tests[0]!.text.startsWith(test), located.tests[0]!.text);
      assert.equal(located.code.length, 1);
      assert.match(
        located.code[0]!.label,
        new RegExp(`^whole file, \\d+ lines; the failure points at ${fn} \\(lines \\d+-\\d+\\)$`),
      );
    });
  }

  it('shows only the enclosing function of a large file, found from the stack frame', async () => {
    const filler = Array.from({ length: 300 }, (_, i) => `def helper_${i}():\n    return ${i}\n`).join('\n');
    const big = `${filler}\n\ndef buggy(x):\n    return x - 1\n`;
    const line = big.split('\n').indexOf('    return x - 1') + 1;
    const failing: TestCaseResult = {
      id: 'tests/test_big.py::test_buggy',
      name: 'test_buggy',
      status: 'failed',
      frames: [
        { file: 'tests/test_big.py', line: 3, inProject: true },
        { file: 'pkg/big.py', line, inProject: true, functionName: 'buggy' },
      ],
    };
    const located = await localize({
      failing: [failing],
      sourceFiles: ['pkg/big.py'],
      isTestFile: (f) => f.startsWith('tests/'),
      readFile: async (f) => (f === 'pkg/big.py' ? big : undefined),
    });
    assert.equal(located.code.length, 1);
    assert.equal(located.code[0]!.text, 'def buggy(x):\n    return x - 1');
    assert.equal(located.code[0]!.label, `function buggy, lines ${line - 1}-${line}`);
  });
});
