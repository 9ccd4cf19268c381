import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { nodeTestAdapter, type TestCaseResult, type TestReport } from '../../../src/core/testing';
import { jsFrames } from '../../../src/core/testing/node-test';
import { FAKE_ROOT, loadScenario } from './scenarios';

function parseScenario(name: string): TestReport {
  return nodeTestAdapter.parse(loadScenario(name));
}

function byId(report: TestReport, id: string): TestCaseResult {
  const found = report.tests.find((t) => t.id === id);
  assert.ok(found, `no test ${id} among ${report.tests.map((t) => t.id).join(', ')}`);
  return found;
}

/** What every reading of the node-nested project must agree on, report or console. */
const NESTED_OUTCOMES = [
  'other file passes: passed',
  'checkout > tax > adds 20 percent: failed',
  'checkout > tax > keeps zero at zero: passed',
  'checkout > compares baskets: failed',
  'checkout > greets: failed',
  'checkout > ships abroad: skipped',
  'checkout > refunds: skipped',
  'checkout > throws from code: failed',
  'with a broken hook > never runs: errored',
  'with a broken hook: errored',
  'parent with subtests > child passes: passed',
  'parent with subtests > child # fails: failed',
];

describe('node --test adapter', () => {
  describe('matchesCommand', () => {
    for (const command of [
      'node --test',
      'node --test test/',
      'node --experimental-vm-modules --test',
      'NODE_ENV=test node --test',
      'npx node --test',
    ]) {
      it(`recognises ${command}`, () => assert.equal(nodeTestAdapter.matchesCommand(command), true));
    }
    for (const command of [
      'node test.js',
      'node --test-reporter=spec app.js',
      'npm test',
      'pytest',
      'nodemon --test',
    ]) {
      it(`does not claim ${command}`, () => assert.equal(nodeTestAdapter.matchesCommand(command), false));
    }
  });

  describe('prepare', () => {
    it('adds our reporter to a file and spec to stdout through NODE_OPTIONS, leaving the command as typed', () => {
      const prepared = nodeTestAdapter.prepare('npm test', '/tmp/reports');
      assert.equal(prepared.command, 'npm test');
      assert.equal(prepared.reportPath, '/tmp/reports/node-test.jsonl');
      const options = prepared.env!.NODE_OPTIONS!.split(' ');
      assert.equal(options.length, 4);
      assert.match(options[0]!, /^--test-reporter=data:text\/javascript,/);
      assert.deepEqual(options.slice(1), [
        '--test-reporter-destination=/tmp/reports/node-test.jsonl',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
      ]);
    });

    it('quotes a report path with spaces the way NODE_OPTIONS reads it', () => {
      const prepared = nodeTestAdapter.prepare('node --test', '/tmp/my reports');
      assert.ok(prepared.env!.NODE_OPTIONS!.includes('"--test-reporter-destination=/tmp/my reports/node-test.jsonl"'));
    });

    it('adds only its own reporter when the user already sends theirs somewhere', () => {
      const prepared = nodeTestAdapter.prepare(
        'node --test --test-reporter=tap --test-reporter-destination=out.tap',
        '/r',
      );
      assert.equal(prepared.env!.NODE_OPTIONS!.split(' ').length, 2);
    });

    it('stays out of the way of a user reporter with no destination (node would refuse the mix)', () => {
      assert.deepEqual(nodeTestAdapter.prepare('node --test --test-reporter=dot', '/r'), {
        command: 'node --test --test-reporter=dot',
      });
    });
  });

  describe('isTestFile', () => {
    for (const file of [
      'test/cart.test.js',
      'src/cart.spec.ts',
      'test/helpers.js',
      'lib/cart-test.mjs',
      'test.cjs',
      '__tests__/a.js',
    ]) {
      it(`${file} is a test file`, () => assert.equal(nodeTestAdapter.isTestFile(file), true));
    }
    for (const file of ['src/cart.js', 'src/contest.js', 'test/data.json', 'testing/index.js']) {
      it(`${file} is not`, () => assert.equal(nodeTestAdapter.isTestFile(file), false));
    }
  });

  describe('detect and defaultCommand', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-node-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    const writePackage = (scripts: Record<string, string>) =>
      writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'x', scripts }));

    it('finds node --test in the test script and runs that script’s command', async () => {
      await writePackage({ test: 'node --test test/' });
      assert.equal(await nodeTestAdapter.detect(dir), true);
      assert.equal(await nodeTestAdapter.defaultCommand(dir), 'node --test test/');
    });

    it('goes through npm when the script does more than run node', async () => {
      await writePackage({ test: 'npm run build && node --test' });
      assert.equal(await nodeTestAdapter.defaultCommand(dir), 'npm test');
    });

    it('does not claim a project whose test script runs another framework', async () => {
      await writePackage({ test: 'jest' });
      await mkdir(path.join(dir, 'test'));
      await writeFile(path.join(dir, 'test', 'a.test.js'), '');
      assert.equal(await nodeTestAdapter.detect(dir), false);
    });

    it('finds test files when there is no test script', async () => {
      await writePackage({ test: 'echo "Error: no test specified" && exit 1' });
      assert.equal(await nodeTestAdapter.detect(dir), false);
      await writeFile(path.join(dir, 'math.test.mjs'), '');
      assert.equal(await nodeTestAdapter.detect(dir), true);
      assert.equal(await nodeTestAdapter.defaultCommand(dir), 'node --test');
    });
  });

  describe('parse (our reporter’s events)', () => {
    it('reads the buggy cart project: strictEqual operands, test location, frames', () => {
      const report = parseScenario('node-js-buggy');
      assert.equal(report.framework, 'node-test');
      assert.deepEqual(report.counts, { passed: 2, failed: 1, errored: 0, skipped: 0 });
      assert.deepEqual(
        report.tests.map((t) => t.id),
        [
          'test/cart.test.js > total multiplies price by quantity',
          'test/cart.test.js > total of an empty cart is zero',
          'test/cart.test.js > count adds up quantities',
        ],
      );
      const total = byId(report, 'test/cart.test.js > total multiplies price by quantity');
      assert.equal(total.status, 'failed');
      assert.equal(total.file, 'test/cart.test.js');
      assert.equal(total.line, 12);
      assert.equal(total.message, 'AssertionError: Expected values to be strictly equal: 7 !== 11');
      assert.equal(total.actual, '7');
      assert.equal(total.expected, '11');
      assert.deepEqual(total.frames[0], {
        file: 'test/cart.test.js',
        line: 13,
        column: 10,
        functionName: 'TestContext.<anonymous>',
        inProject: true,
      });
      assert.ok(total.frames.slice(1).every((f) => !f.inProject && f.file.startsWith('node:')));
      const passing = byId(report, 'test/cart.test.js > count adds up quantities');
      assert.deepEqual([passing.file, passing.line], ['test/cart.test.js', 20], 'passing tests have a location too');
    });

    it('rebuilds nested describe/it and subtests, with skips, todos, hooks and thrown errors', () => {
      const report = parseScenario('node-nested');
      assert.deepEqual(
        report.tests.map((t) => `${t.id.replace(/^test\/(shop|other)\.test\.mjs > /, '')}: ${t.status}`),
        NESTED_OUTCOMES,
      );
      assert.deepEqual(report.counts, { passed: 3, failed: 5, errored: 2, skipped: 2 });

      const tax = byId(report, 'test/shop.test.mjs > checkout > tax > adds 20 percent');
      assert.deepEqual([tax.actual, tax.expected], ['12.5', '12']);
      assert.deepEqual(
        [tax.frames[0]!.file, tax.frames[0]!.line, tax.frames[0]!.inProject],
        ['test/shop.test.mjs', 8, true],
        'file:// URLs are mapped',
      );

      const baskets = byId(report, 'test/shop.test.mjs > checkout > compares baskets');
      assert.equal(baskets.actual, "{ items: [ 'apple' ], total: 3 }");
      assert.equal(baskets.expected, "{ items: [ 'apple' ], total: 4 }");

      const greets = byId(report, 'test/shop.test.mjs > checkout > greets');
      assert.deepEqual([greets.actual, greets.expected], ["'hello world'", "'hello there'"]);

      const thrown = byId(report, 'test/shop.test.mjs > checkout > throws from code');
      assert.equal(thrown.message, "TypeError: Cannot read properties of undefined (reading 'items')");
      assert.equal(thrown.expected, undefined);

      const hook = byId(report, 'test/shop.test.mjs > with a broken hook');
      assert.equal(hook.message, 'Error: database is down');
      assert.deepEqual([hook.frames[0]!.file, hook.frames[0]!.line], ['test/shop.test.mjs', 30]);

      assert.equal(byId(report, 'test/shop.test.mjs > checkout > refunds').message, 'needs payment provider');
    });

    it('reports a test file that does not load, with the syntax error and its line', () => {
      const report = parseScenario('node-load-error');
      assert.deepEqual(
        report.tests.map((t) => `${t.id}: ${t.status}`),
        ['test/broken.test.js: errored', 'test/good.test.js > still runs: passed'],
      );
      const broken = report.tests[0]!;
      assert.equal(broken.message, "SyntaxError: Unexpected token ';'");
      assert.deepEqual(broken.frames[0], { file: 'test/broken.test.js', line: 4, inProject: true });
      assert.match(broken.details!, /return \[1, 2;/);
      assert.equal(report.runError, undefined, 'other files still ran');
    });

    it('gives a run error when no test file could load at all', () => {
      const run = loadScenario('node-load-error');
      const onlyBroken = run
        .report!.split('\n')
        .filter((line) => !line.includes('good.test.js'))
        .join('\n');
      const report = nodeTestAdapter.parse({ ...run, report: onlyBroken });
      assert.equal(report.runError, "could not load test/broken.test.js: SyntaxError: Unexpected token ';'");
    });

    it('keeps the results reported before a run was killed mid-line', () => {
      const run = loadScenario('node-js-buggy');
      const cut = run.report!.slice(0, run.report!.lastIndexOf('\n', run.report!.length - 2) + 20);
      const report = nodeTestAdapter.parse({ ...run, report: cut });
      assert.equal(report.tests.length, 2);
    });
  });

  describe('parse (console output only)', () => {
    it('reads TAP (node’s default when not on a terminal) to the same outcomes, without files in ids', () => {
      const report = parseScenario('node-nested-tap');
      assert.deepEqual(
        report.tests.map((t) => `${t.id}: ${t.status}`),
        NESTED_OUTCOMES,
      );
      const tax = byId(report, 'checkout > tax > adds 20 percent');
      assert.deepEqual([tax.file, tax.line, tax.actual, tax.expected], ['test/shop.test.mjs', 7, '12.5', '12']);
      assert.equal(tax.message, 'AssertionError: Expected values to be strictly equal: 12.5 !== 12');
      assert.equal(tax.frames[0]!.file, 'test/shop.test.mjs');
      const thrown = byId(report, 'checkout > throws from code');
      assert.equal(thrown.message, "TypeError: Cannot read properties of undefined (reading 'items')");
    });

    it('reads spec output to the same outcomes', () => {
      const report = parseScenario('node-nested-spec');
      assert.equal(loadScenario('node-nested-spec').report, undefined, 'the user’s reporter left no report');
      assert.deepEqual(
        report.tests.map((t) => `${t.id}: ${t.status}`),
        NESTED_OUTCOMES,
      );
      const greets = byId(report, 'checkout > greets');
      assert.deepEqual(
        [greets.file, greets.line, greets.actual, greets.expected],
        ['test/shop.test.mjs', 17, "'hello world'", "'hello there'"],
      );
      assert.equal(byId(report, 'checkout > refunds').message, 'needs payment provider');
    });

    it('reads a file that did not load from TAP, with the error node printed for it', () => {
      const report = parseScenario('node-load-error-tap');
      assert.deepEqual(
        report.tests.map((t) => `${t.id}: ${t.status}`),
        ['test/broken.test.js: errored', 'still runs: passed'],
      );
      assert.equal(report.tests[0]!.message, "SyntaxError: Unexpected token ';'");
    });

    it('makes nothing up from output that is not node’s', () => {
      const report = nodeTestAdapter.parse({
        projectRoot: FAKE_ROOT,
        command: 'node --test',
        exitCode: 1,
        timedOut: false,
        output: 'node: bad option: --tset\n',
        durationMs: 5,
      });
      assert.deepEqual(report.tests, []);
    });
  });

  describe('jsFrames', () => {
    it('reads V8 frames with and without a function, and marks packages and internals', () => {
      const stack = [
        'Error: nope',
        `    at total (${FAKE_ROOT}/src/cart.js:4:11)`,
        `    at ${FAKE_ROOT}/test/cart.test.js:9:3`,
        `    at Object.parse (file://${FAKE_ROOT}/node_modules/lib/index.js:1:2)`,
        '    at async Promise.all (index 0)',
        '    at node:internal/process/task_queues:95:5',
        '    at run (/elsewhere/tool.js:3:4)',
      ].join('\n');
      assert.deepEqual(jsFrames(stack, FAKE_ROOT), [
        { file: 'src/cart.js', line: 4, column: 11, functionName: 'total', inProject: true },
        { file: 'test/cart.test.js', line: 9, column: 3, inProject: true },
        { file: 'node_modules/lib/index.js', line: 1, column: 2, functionName: 'Object.parse', inProject: false },
        { file: 'node:internal/process/task_queues', line: 95, column: 5, inProject: false },
        { file: '/elsewhere/tool.js', line: 3, column: 4, functionName: 'run', inProject: false },
      ]);
    });
  });
});
