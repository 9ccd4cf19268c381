import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { findTestDefinitions } from '../../../src/core/syntax';
import { FIXTURES, fixture } from './fixtures';

const run = promisify(execFile);
const FILE = 'test_more.py';

/** What pytest itself collects from the fixture: node ids without their file or parameters, deduplicated. */
async function pytestCollects(): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-collect-'));
  try {
    await copyFile(path.join(FIXTURES, 'pytest-testcase-names', FILE), path.join(dir, FILE));
    const { stdout } = await run('python3', ['-m', 'pytest', '--collect-only', '-q', '-p', 'no:cacheprovider', FILE], {
      cwd: dir,
    });
    const ids = stdout
      .split('\n')
      .filter((line) => line.startsWith(`${FILE}::`))
      .map((line) => line.slice(FILE.length + 2).replace(/\[.*$/, ''));
    return [...new Set(ids)];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('syntax/tests: Python tests as pytest collects them', () => {
  const text = fixture('pytest-testcase-names', FILE);

  it('finds TestCase subclasses whatever their names, skips classes pytest skips', async () => {
    const defs = await findTestDefinitions(text, FILE, 'python');
    assert.deepEqual(
      defs.filter((d) => d.kind === 'suite').map((d) => d.fullName),
      [
        'TestRunningMin',
        'WindowedCompleteTests',
        'BaseTests',
        'FooTests',
        'MixedTests',
        'AsyncTests',
        'ViewTests',
        'TestOuter',
        'TestOuter::TestInner',
        'TestOuter::TestInner::TestInnermost',
      ],
    );
    const names = defs.map((d) => d.fullName);
    for (const skipped of ['TestWithInit', 'OptedOutTests', 'Helper', 'SharedChecks', 'TestOuter::NotATest'])
      assert.ok(!names.some((n) => n.startsWith(skipped)), `${skipped} is not collected`);
  });

  it('lists exactly the tests pytest collects, inherited ones under the class that inherits them', async () => {
    const defs = await findTestDefinitions(text, FILE, 'python');
    const ours = defs.flatMap((d) =>
      d.kind === 'test' ? [d.fullName] : (d.inherited ?? []).map((i) => `${d.fullName}::${i.name}`),
    );
    assert.deepEqual([...ours].sort(), (await pytestCollects()).sort());
  });

  it('gives inherited tests the range of the base method, and overridden ones their own', async () => {
    const defs = await findTestDefinitions(text, FILE, 'python');
    const foo = defs.find((d) => d.fullName === 'FooTests')!;
    assert.deepEqual(
      foo.inherited?.map((d) => [d.fullName, d.range.startLine]),
      [['BaseTests::test_shared', 23]],
    );
    assert.equal(defs.find((d) => d.fullName === 'FooTests::test_overridden')?.range.startLine, 31);
    const mixed = defs.find((d) => d.fullName === 'MixedTests')!;
    assert.deepEqual(
      mixed.inherited?.map((d) => d.fullName),
      ['SharedChecks::test_from_mixin'],
    );
  });

  it('starts decorated and async tests at their first line, and keeps the last of a name defined twice', async () => {
    const defs = await findTestDefinitions(text, FILE, 'python');
    const at = (fullName: string) => defs.find((d) => d.fullName === fullName)!;
    const view = at('ViewTests::test_view');
    assert.ok(text.slice(view.range.startIndex).startsWith('@mock.patch("os.getcwd")'));
    assert.equal(at('AsyncTests::test_async').range.startLine, 48);
    assert.ok(text.slice(at('test_module_async').range.startIndex).startsWith('@pytest.mark.parametrize("size"'));
    const twice = defs.filter((d) => d.name === 'test_twice');
    assert.deepEqual(
      twice.map((d) => d.range.startLine),
      [102],
    );
  });
});
