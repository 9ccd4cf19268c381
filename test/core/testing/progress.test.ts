import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProcessRunner } from '../../../src/core/sandbox';
import { pytestAdapter, runTests } from '../../../src/core/testing';
import { testsDoneSoFar, type TestProgress } from '../../../src/core/testing/progress';

describe('tests done so far, from what a framework prints', () => {
  it('pytest: progress dots (-q and per file) and -v lines, not the summary after them', () => {
    const quiet = '..F.s  [ 41%]\n...x\n=================== FAILURES ===================\n..... not progress\n';
    assert.equal(testsDoneSoFar('pytest', { output: quiet }), 9);
    const perFile = 'tests/test_a.py ..F [ 50%]\ntests/test_b.py ..';
    assert.equal(testsDoneSoFar('pytest', { output: perFile }), 5);
    const verbose = 'tests/test_a.py::test_x PASSED [ 50%]\ntests/test_a.py::test_y FAILED [100%]\n';
    assert.equal(testsDoneSoFar('pytest', { output: verbose }), 2);
  });

  it('node --test spec lines, until the failure summary', () => {
    const output =
      '✖ total (3.0ms)\n  AssertionError\n✔ empty (4.5ms)\n✔ count (0.4ms)\n✖ failing tests:\n\n✖ total (3.0ms)\n';
    assert.equal(testsDoneSoFar('node-test', { output }), 3);
  });

  it('mocha spec lines (passing, failing, pending), until the tally', () => {
    const output =
      '  slug\n    ✔ truncates\n    slugify\n      1) joins words\n      - later\n\n  2 passing (17ms)\n  1) slug\n';
    assert.equal(testsDoneSoFar('mocha', { output }), 3);
  });

  it('libtest lines, go test -json events from the report, vitest files', () => {
    assert.equal(testsDoneSoFar('cargo', { output: 'test a ... ok\ntest b ... FAILED\ntest c ... ignored\n' }), 3);
    const events =
      '{"Action":"run","Test":"TestA"}\n{"Action":"pass","Package":"m","Test":"TestA"}\n{"Action":"pass","Package":"m"}\n';
    assert.equal(testsDoneSoFar('go-test', { output: '', report: events }), 1);
    assert.equal(
      testsDoneSoFar('vitest', { output: ' ✓ a.test.ts (3 tests) 5ms\n ❯ b.test.ts (2 tests | 1 failed)\n' }),
      5,
    );
    assert.equal(testsDoneSoFar('jest', { output: 'PASS a.test.js' }), undefined, 'jest is not counted');
  });
});

describe('progress of a real test run', function () {
  this.timeout(120_000);
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'self-repair-progress-'));
    await mkdir(path.join(root, 'tests'));
    const tests = Array.from({ length: 40 }, (_, i) => `def test_${i}():\n    time.sleep(0.1)\n`).join('\n');
    await writeFile(path.join(root, 'tests', 'test_slow.py'), `import time\n\n${tests}`);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('reports elapsed time and the tests pytest has finished while it runs', async () => {
    const seen: TestProgress[] = [];
    const report = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: pytestAdapter,
      command: 'python3 -m pytest',
      timeoutMs: 60_000,
      onProgress: (p) => seen.push(p),
    });
    assert.equal(report.counts.passed, 40);
    // The tests sleep 4 s in all, so at least one report comes while they run.
    assert.ok(seen.length >= 1, 'no progress reported');
    assert.ok(seen.every((p, i) => i === 0 || p.elapsedMs >= seen[i - 1]!.elapsedMs));
    assert.ok(seen.every((p) => p.done !== undefined && p.done <= 40));
    assert.ok(
      seen.some((p) => p.done! > 0),
      `no test counted: ${JSON.stringify(seen)}`,
    );
  });
});
