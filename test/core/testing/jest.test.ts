import { strict as assert } from 'node:assert';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jestAdapter, selectAdapter, type TestCaseResult } from '../../../src/core/testing';
import { outcomes, runFixture, testById } from './js-runs';

describe('jest adapter', function () {
  this.timeout(120_000);

  describe('commands', () => {
    it('recognises jest however it is started, and nothing else', () => {
      for (const command of [
        'jest',
        'npx jest --ci',
        'node_modules/.bin/jest test/',
        'yarn jest',
        'node node_modules/jest/bin/jest.js',
      ]) {
        assert.equal(jestAdapter.matchesCommand(command), true, command);
      }
      for (const command of ['npm test', 'vitest run', 'mocha', 'node --test', 'jest-runner-eslint']) {
        assert.equal(jestAdapter.matchesCommand(command), false, command);
      }
    });

    it('adds the JSON report to the jest invocation, before the rest of a shell line', () => {
      const prepared = jestAdapter.prepare('npx jest test/ && echo done', '/tmp/r');
      assert.equal(
        prepared.command,
        'npx jest test/ --json --outputFile=/tmp/r/jest.json --testLocationInResults && echo done',
      );
      assert.equal(prepared.reportPath, '/tmp/r/jest.json');
    });

    it('passes the flags through npm (after --) and yarn to the test script', () => {
      assert.equal(
        jestAdapter.prepare('npm test', '/r').command,
        'npm test -- --json --outputFile=/r/jest.json --testLocationInResults',
      );
      assert.equal(
        jestAdapter.prepare('npm run unit -- --ci', '/r').command,
        'npm run unit -- --ci --json --outputFile=/r/jest.json --testLocationInResults',
      );
      assert.equal(
        jestAdapter.prepare('yarn test', '/r').command,
        'yarn test --json --outputFile=/r/jest.json --testLocationInResults',
      );
    });

    it('leaves a command it cannot extend, or one with the user’s own JSON report, as it is', () => {
      assert.deepEqual(jestAdapter.prepare('make test', '/r'), { command: 'make test' });
      assert.deepEqual(jestAdapter.prepare('jest --json --outputFile=out.json', '/r'), {
        command: 'jest --json --outputFile=out.json',
      });
    });

    it('narrows to tests by file and full-name pattern, and to files alone', () => {
      const failing: TestCaseResult[] = [
        {
          id: 'test/a.test.js > math > adds (1)',
          name: 'adds (1)',
          file: 'test/a.test.js',
          status: 'failed',
          frames: [],
        },
      ];
      assert.equal(
        jestAdapter.selectTests!('npx jest', failing, 'tests'),
        "npx jest test/a.test.js -t '(?:^|\\s)(?:math adds \\(1\\))$'",
      );
      assert.equal(jestAdapter.selectTests!('npm test', failing, 'files'), 'npm test -- test/a.test.js');
      const unloaded: TestCaseResult = {
        id: 'test/b.test.js',
        name: 'test/b.test.js',
        file: 'test/b.test.js',
        status: 'errored',
        frames: [],
      };
      assert.equal(jestAdapter.selectTests!('npx jest', [unloaded], 'tests'), 'npx jest test/b.test.js');
      assert.equal(jestAdapter.selectTests!('npx jest | tee log', failing, 'tests'), undefined);
    });

    it('knows test files by name and by folder', () => {
      for (const file of ['test/a.test.js', 'src/b.spec.tsx', 'src/__tests__/c.ts', 'x.test.mjs']) {
        assert.equal(jestAdapter.isTestFile(file), true, file);
      }
      for (const file of ['src/a.js', 'test/helpers.js', 'src/contest.ts', 'test/data.test.json']) {
        assert.equal(jestAdapter.isTestFile(file), false, file);
      }
    });
  });

  describe('detection', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-jest-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));
    const writePackage = (pkg: object) => writeFile(path.join(dir, 'package.json'), JSON.stringify(pkg));

    it('takes the test script’s runner, through npx when the script is jest alone', async () => {
      await writePackage({ scripts: { test: 'jest --ci' }, devDependencies: { mocha: '11' } });
      assert.equal((await selectAdapter(dir)).id, 'jest');
      assert.equal(await jestAdapter.defaultCommand(dir), 'npx jest --ci');
      await writePackage({ scripts: { test: 'tsc && jest' } });
      assert.equal(await jestAdapter.defaultCommand(dir), 'npm test');
    });

    it('defers to the runner a test script names, whatever the dependencies', async () => {
      await writePackage({ scripts: { test: 'vitest run' }, devDependencies: { jest: '30' } });
      assert.equal(await jestAdapter.detect(dir), false);
      assert.equal((await selectAdapter(dir)).id, 'vitest');
    });

    it('finds jest from a dependency or a config file when the script names no runner', async () => {
      await writePackage({ scripts: { test: 'make check' }, devDependencies: { jest: '30' } });
      assert.equal(await jestAdapter.detect(dir), true);
      assert.equal(await jestAdapter.defaultCommand(dir), 'npx jest');
      await writePackage({});
      assert.equal(await jestAdapter.detect(dir), false);
      await writeFile(path.join(dir, 'jest.config.js'), 'module.exports = {};');
      assert.equal(await jestAdapter.detect(dir), true);
    });

    it('follows npm test to a script that runs jest', async () => {
      await writePackage({ scripts: { test: 'node --test', unit: 'jest' } });
      assert.equal((await selectAdapter(dir, 'npm run unit')).id, 'jest');
    });
  });

  describe('the real jest', () => {
    it('reports the buggy project: ids with suites, the failure with expected, actual, line and frames', async () => {
      const { report, command } = await runFixture('jest-buggy');
      assert.equal(command, 'node_modules/.bin/jest');
      assert.equal(report.framework, 'jest');
      assert.equal(report.runError, undefined);
      assert.deepEqual(outcomes(report), [
        'test/invoice.test.js > invoice > discount > keeps zero at zero: passed',
        'test/invoice.test.js > invoice > discount > takes a percentage off: failed',
        'test/invoice.test.js > invoice > formats amounts: passed',
        'test/invoice.test.js > invoice > sums the lines: passed',
      ]);
      const failing = testById(report, 'test/invoice.test.js > invoice > discount > takes a percentage off');
      assert.equal(failing.name, 'takes a percentage off');
      assert.equal(failing.file, 'test/invoice.test.js');
      assert.equal(failing.line, 10);
      assert.equal(failing.message, 'Error: expect(received).toBe(expected) // Object.is equality');
      assert.equal(failing.expected, '180');
      assert.equal(failing.actual, '190');
      assert.deepEqual(
        failing.frames.filter((f) => f.inProject).map((f) => [f.file, f.line, f.column]),
        [['test/invoice.test.js', 11, 38]],
      );
      assert.ok(
        failing.frames.some((f) => !f.inProject),
        JSON.stringify(failing.frames),
      );
      assert.doesNotMatch(failing.details ?? '', /node_modules/, 'the runner’s own frames are left out of the details');
    });

    it('reports test files that cannot load (missing module, syntax error) as errored tests that say why', async () => {
      const { report } = await runFixture('jest-load-error', {
        files: { 'test/broken.test.js': "test('x', () => {\n  const a = ;\n});\n" },
      });
      assert.deepEqual(outcomes(report), [
        'test/broken.test.js: errored',
        'test/distance.test.js: errored',
        'test/units.test.js > converts centimeters: passed',
      ]);
      assert.equal(report.runError, undefined, 'a file still ran');
      const unloaded = testById(report, 'test/distance.test.js');
      assert.equal(unloaded.message, "Cannot find module './unit' from 'src/distance.js'");
      assert.deepEqual(
        unloaded.frames.filter((f) => f.inProject).map((f) => [f.file, f.line]),
        [
          ['src/distance.js', 3],
          ['test/distance.test.js', 2],
        ],
      );
      assert.match(testById(report, 'test/broken.test.js').message ?? '', /^SyntaxError: .*Unexpected token/);
    });

    it('runs only the tests selectTests picks', async () => {
      const failing: TestCaseResult = {
        id: 'test/invoice.test.js > invoice > formats amounts',
        name: 'formats amounts',
        file: 'test/invoice.test.js',
        status: 'failed',
        frames: [],
      };
      const command = jestAdapter.selectTests!('npm test', [failing], 'tests')!;
      const { report } = await runFixture('jest-buggy', { command });
      assert.deepEqual(
        report.tests.filter((t) => t.status !== 'skipped').map((t) => `${t.id}: ${t.status}`),
        ['test/invoice.test.js > invoice > formats amounts: passed'],
      );
    });
  });
});
