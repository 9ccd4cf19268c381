import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mochaAdapter, selectAdapter, type TestCaseResult } from '../../../src/core/testing';
import { outcomes, runFixture, testById } from './js-runs';

describe('mocha adapter', function () {
  this.timeout(120_000);

  describe('commands', () => {
    let reportDir: string;
    beforeEach(async () => {
      reportDir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-mocha-'));
    });
    afterEach(() => rm(reportDir, { recursive: true, force: true }));

    it('recognises mocha however it is started, and nothing else', () => {
      for (const command of ['mocha', 'npx mocha test/', 'node_modules/.bin/_mocha', 'yarn mocha --recursive']) {
        assert.equal(mochaAdapter.matchesCommand(command), true, command);
      }
      for (const command of ['npm test', 'jest', 'node --test', 'mochawesome']) {
        assert.equal(mochaAdapter.matchesCommand(command), false, command);
      }
    });

    it('puts our reporter into the report folder and names it, its output file and --exit', () => {
      const prepared = mochaAdapter.prepare('npx mocha test/', reportDir);
      const reporter = path.join(reportDir, 'mocha-reporter.cjs');
      assert.equal(
        prepared.command,
        `npx mocha test/ --reporter ${reporter} --reporter-option output=${reportDir}/mocha.jsonl --exit`,
      );
      assert.equal(prepared.reportPath, path.join(reportDir, 'mocha.jsonl'));
      assert.ok(existsSync(reporter));
      assert.match(
        mochaAdapter.prepare('npm test -- --no-exit', reportDir).command,
        /--no-exit --reporter \S+ --reporter-option \S+$/,
      );
    });

    it('narrows to tests with --grep on their full titles; a file scope it leaves to the whole suite', () => {
      const failing: TestCaseResult = {
        id: 'test/slug.test.js > slug > slugify > joins words',
        name: 'joins words',
        file: 'test/slug.test.js',
        status: 'failed',
        frames: [],
      };
      assert.equal(
        mochaAdapter.selectTests!('npm test', [failing], 'tests'),
        "npm test -- --grep '(?:^|\\s)(?:slug slugify joins words)$'",
      );
      assert.equal(mochaAdapter.selectTests!('npm test', [failing], 'files'), undefined);
    });

    it('knows test files by name and by mocha’s test/ folder', () => {
      for (const file of ['test/helpers.js', 'test/a.spec.mjs', 'lib/x.test.js'])
        assert.equal(mochaAdapter.isTestFile(file), true, file);
      for (const file of ['src/a.js', 'lib/testing.js', 'test/data.json'])
        assert.equal(mochaAdapter.isTestFile(file), false, file);
    });
  });

  it('is detected from the test script, a dependency or a .mocharc', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-mocha-'));
    try {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'mocha --recursive' } }));
      assert.equal((await selectAdapter(dir)).id, 'mocha');
      assert.equal(await mochaAdapter.defaultCommand(dir), 'npx mocha --recursive');
      await writeFile(
        path.join(dir, 'package.json'),
        JSON.stringify({ scripts: { test: 'node --test' }, devDependencies: { mocha: '11' } }),
      );
      assert.equal((await selectAdapter(dir)).id, 'node-test');
      await writeFile(path.join(dir, 'package.json'), '{}');
      await writeFile(path.join(dir, '.mocharc.json'), '{}');
      assert.equal((await selectAdapter(dir)).id, 'mocha');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('the real mocha', () => {
    it('reports the buggy project: title paths, the failure with expected, actual, line and frames; spec on the console', async () => {
      const { report, command } = await runFixture('mocha-buggy');
      assert.equal(command, 'node_modules/.bin/mocha');
      assert.equal(report.runError, undefined);
      assert.deepEqual(outcomes(report), [
        'test/slug.test.js > slug > slugify > joins words with dashes: failed',
        'test/slug.test.js > slug > slugify > keeps a single word: passed',
        'test/slug.test.js > slug > truncates long text: passed',
      ]);
      const failing = testById(report, 'test/slug.test.js > slug > slugify > joins words with dashes');
      assert.equal(failing.message, 'AssertionError: Expected values to be strictly equal');
      assert.equal(failing.expected, "'hello-big-world'");
      assert.equal(failing.actual, "'hello-big world'");
      assert.equal(failing.line, 8);
      assert.deepEqual(
        failing.frames.filter((f) => f.inProject).map((f) => [f.file, f.line]),
        [['test/slug.test.js', 8]],
      );
      assert.match(report.output, /2 passing/, 'the console keeps the spec reporter');
    });

    it('reports a test that never settles as failed at mocha’s own time limit, and the run still ends', async () => {
      const { report } = await runFixture('mocha-hangs');
      assert.equal(report.timedOut, false);
      const hung = testById(report, 'test/queue.test.js > queue > waits for all the items');
      assert.equal(hung.status, 'failed');
      assert.match(hung.message ?? '', /Timeout of 2000ms exceeded/);
      assert.equal(testById(report, 'test/queue.test.js > queue > gives the first item').status, 'passed');
    });

    for (const [what, source, message] of [
      ['a missing module', "require('../src/nothing');\n", /^Error: Cannot find module '\.\.\/src\/nothing'/],
      ['a syntax error', "it('x', () => {\n  const a = ;\n});\n", /^SyntaxError: Unexpected token/],
    ] as const) {
      it(`reports a test file that cannot load (${what}) as an errored test, and the run's error`, async () => {
        const { report } = await runFixture('mocha-buggy', { files: { 'test/broken.test.js': source } });
        assert.deepEqual(outcomes(report), ['test/broken.test.js: errored']);
        assert.match(report.tests[0]!.message ?? '', message);
        assert.match(report.runError ?? '', /^could not load test\/broken\.test\.js: /);
      });
    }
  });
});
