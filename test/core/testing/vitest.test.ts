import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { selectAdapter, vitestAdapter, type TestCaseResult } from '../../../src/core/testing';
import { outcomes, runFixture, testById } from './js-runs';

describe('vitest adapter', function () {
  this.timeout(120_000);

  describe('commands', () => {
    it('recognises vitest however it is started, and nothing else', () => {
      for (const command of ['vitest', 'npx vitest run', 'node_modules/.bin/vitest run src', 'pnpm vitest']) {
        assert.equal(vitestAdapter.matchesCommand(command), true, command);
      }
      for (const command of ['npm test', 'jest', 'vite build', 'mocha']) {
        assert.equal(vitestAdapter.matchesCommand(command), false, command);
      }
    });

    it('names the json reporter and keeps the default one for the console, once, without watching', () => {
      const prepared = vitestAdapter.prepare('npx vitest run', '/tmp/r');
      assert.equal(
        prepared.command,
        'npx vitest run --reporter=default --reporter=json --outputFile.json=/tmp/r/vitest.json --includeTaskLocation',
      );
      assert.equal(prepared.reportPath, '/tmp/r/vitest.json');
      assert.deepEqual(prepared.env, { NO_COLOR: '1' });
      assert.match(vitestAdapter.prepare('vitest', '/r').command, / --run$/);
    });

    it('keeps a reporter the user named instead of adding the default one', () => {
      assert.equal(
        vitestAdapter.prepare('npm test -- --reporter=dot', '/r').command,
        'npm test -- --reporter=dot --reporter=json --outputFile.json=/r/vitest.json --includeTaskLocation --run',
      );
    });

    it('narrows to a file and a full-name pattern', () => {
      const failing: TestCaseResult = {
        id: 'test/stats.test.ts > stats > median > picks the middle',
        name: 'picks the middle',
        file: 'test/stats.test.ts',
        status: 'failed',
        frames: [],
      };
      assert.equal(
        vitestAdapter.selectTests!('npx vitest run', [failing], 'tests'),
        "npx vitest run test/stats.test.ts -t '(?:^|\\s)(?:stats median picks the middle)$'",
      );
      assert.equal(
        vitestAdapter.selectTests!('npx vitest run', [failing], 'files'),
        'npx vitest run test/stats.test.ts',
      );
    });
  });

  describe('detection', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-vitest-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('finds vitest from the test script, a dependency or its config file', async () => {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'vitest' } }));
      assert.equal((await selectAdapter(dir)).id, 'vitest');
      assert.equal(await vitestAdapter.defaultCommand(dir), 'npx vitest');
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: { vitest: '4' } }));
      assert.equal((await selectAdapter(dir)).id, 'vitest');
      assert.equal(await vitestAdapter.defaultCommand(dir), 'npx vitest run');
      await writeFile(path.join(dir, 'package.json'), '{}');
      assert.equal(await vitestAdapter.detect(dir), false);
      await writeFile(path.join(dir, 'vitest.config.ts'), 'export default {};');
      assert.equal(await vitestAdapter.detect(dir), true);
    });
  });

  describe('the real vitest', () => {
    it('reports the TypeScript project: ids with suites, the failure with expected, actual, line and frames', async () => {
      const { report, command } = await runFixture('vitest-buggy');
      assert.equal(command, 'node_modules/.bin/vitest run');
      assert.equal(report.framework, 'vitest');
      assert.equal(report.runError, undefined);
      assert.deepEqual(outcomes(report), [
        'test/stats.test.ts > stats > averages: passed',
        'test/stats.test.ts > stats > finds the range: passed',
        'test/stats.test.ts > stats > median > averages the two middle values: passed',
        'test/stats.test.ts > stats > median > picks the middle of unsorted values: failed',
      ]);
      const failing = testById(report, 'test/stats.test.ts > stats > median > picks the middle of unsorted values');
      assert.equal(failing.file, 'test/stats.test.ts');
      assert.equal(failing.line, 10);
      assert.equal(failing.message, 'AssertionError: expected 1 to be 5 // Object.is equality');
      assert.equal(failing.expected, '5');
      assert.equal(failing.actual, '1');
      assert.deepEqual(
        failing.frames.filter((f) => f.inProject).map((f) => [f.file, f.line, f.column]),
        [['test/stats.test.ts', 11, 33]],
      );
      assert.match(report.output, /picks the middle of unsorted values/, 'the console keeps the default reporter');
      assert.ok(!report.output.includes('\u001b['), 'no colour codes reach the output');
    });

    it('reports test files that cannot load (missing module, syntax error) as errored tests that say why', async () => {
      const { report } = await runFixture('vitest-buggy', {
        files: {
          'test/missing.test.ts':
            "import { it } from 'vitest';\nimport { nothing } from '../src/nothing';\nit('uses it', () => nothing());\n",
          'test/broken.test.ts': "import { it } from 'vitest';\nit('x', () => {\n  const a = ;\n});\n",
        },
      });
      assert.equal(testById(report, 'test/missing.test.ts').status, 'errored');
      assert.match(testById(report, 'test/missing.test.ts').message ?? '', /Cannot find module '\.\.\/src\/nothing'/);
      assert.equal(testById(report, 'test/broken.test.ts').status, 'errored');
      assert.match(testById(report, 'test/broken.test.ts').message ?? '', /PARSE_ERROR|SyntaxError|Unexpected/);
      assert.equal(report.counts.passed, 3, 'the other file still reports');
    });

    it('runs only the tests selectTests picks, through npm test', async () => {
      const passing: TestCaseResult = {
        id: 'test/stats.test.ts > stats > finds the range',
        name: 'finds the range',
        file: 'test/stats.test.ts',
        status: 'failed',
        frames: [],
      };
      const { report } = await runFixture('vitest-buggy', {
        command: vitestAdapter.selectTests!('npm test', [passing], 'tests')!,
      });
      assert.deepEqual(
        report.tests.filter((t) => t.status !== 'skipped').map((t) => `${t.id}: ${t.status}`),
        ['test/stats.test.ts > stats > finds the range: passed'],
      );
    });
  });
});
