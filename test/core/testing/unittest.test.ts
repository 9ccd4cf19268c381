import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setUpProject } from '../../../src/core/repair';
import { nameHungTest } from '../../../src/core/repair/hung';
import { ProcessRunner } from '../../../src/core/sandbox';
import {
  runTests,
  unittestAdapter,
  withPerTestTimeout,
  type TestCaseResult,
  type TestReport,
} from '../../../src/core/testing';
import { copyProject } from '../../support/projects';

const MEAN = 'tests/test_core.py::TestMean::test_mean';

describe('unittest adapter', () => {
  describe('commands and files', () => {
    let reportDir: string;
    beforeEach(async () => {
      reportDir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-unittest-'));
    });
    afterEach(() => rm(reportDir, { recursive: true, force: true }));

    it('runs the command through our runner, which it puts first on PYTHONPATH', () => {
      const prepared = unittestAdapter.prepare('python3 -m unittest discover -s tests -v', reportDir);
      assert.equal(prepared.command, 'python3 -m self_repair_unittest discover -s tests -v');
      assert.equal(prepared.reportPath, path.join(reportDir, 'unittest.json'));
      const runnerDir = path.join(reportDir, 'python');
      assert.equal(prepared.env!.PYTHONPATH!.split(path.delimiter)[0], runnerDir);
      assert.ok(existsSync(path.join(runnerDir, 'self_repair_unittest.py')));
      assert.equal(prepared.env!.SELF_REPAIR_UNITTEST_REPORT, prepared.reportPath);
      assert.equal(
        unittestAdapter.prepare('.venv/bin/python -m unittest tests.test_x', reportDir).command,
        '.venv/bin/python -m self_repair_unittest tests.test_x',
      );
      assert.deepEqual(unittestAdapter.prepare('python3 -m pytest', reportDir), { command: 'python3 -m pytest' });
    });

    it('passes a per-test limit to our runner, right after the module', () => {
      assert.equal(
        withPerTestTimeout(unittestAdapter, 'python3 -m unittest discover -s tests', 3),
        'python3 -m unittest --self-repair-test-timeout=3 discover -s tests',
      );
    });

    it('knows its commands and test files', () => {
      assert.ok(unittestAdapter.matchesCommand('python -m unittest'));
      assert.ok(unittestAdapter.matchesCommand('uv run python3.12 -m unittest discover'));
      assert.ok(!unittestAdapter.matchesCommand('python -m pytest'));
      assert.ok(!unittestAdapter.matchesCommand('python -m unittest_extras'));
      assert.ok(unittestAdapter.isTestFile('tests/test_core.py'));
      assert.ok(unittestAdapter.isTestFile('tests/helpers.py'));
      assert.ok(!unittestAdapter.isTestFile('stats/core.py'));
    });

    it('narrows with -k patterns on the dotted ids, to tests or to their modules', () => {
      const tests = [{ name: 'tests.test_core.TestMean.test_mean' }] as TestCaseResult[];
      assert.equal(
        unittestAdapter.selectTests!('python -m unittest', tests, 'tests'),
        `python -m unittest -k '*tests.test_core.TestMean.test_mean'`,
      );
      assert.equal(
        unittestAdapter.selectTests!('python -m unittest', tests, 'files'),
        `python -m unittest -k 'tests.test_core.*'`,
      );
      assert.equal(unittestAdapter.selectTests!('python -m unittest | tee log', tests, 'tests'), undefined);
    });

    it('discovers a tests folder that is not a package by naming it', async () => {
      const root = await copyProject('unittest-buggy');
      try {
        assert.equal(await unittestAdapter.defaultCommand(root.root), 'python3 -m unittest discover -s tests');
        await writeFile(path.join(root.root, 'tests', '__init__.py'), '');
        assert.equal(await unittestAdapter.defaultCommand(root.root), 'python3 -m unittest');
      } finally {
        await root.remove();
      }
    });
  });

  describe('real unittest runs', function () {
    this.timeout(60_000);
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });
    async function run(command: string, edit?: (root: string) => Promise<void>) {
      const copy = await copyProject('unittest-buggy');
      cleanups.push(copy.remove);
      await edit?.(copy.root);
      const report = await runTests({
        runner: new ProcessRunner(),
        root: copy.root,
        adapter: unittestAdapter,
        command,
        timeoutMs: 60_000,
      });
      return { report, root: copy.root };
    }
    const byId = (report: TestReport, id: string) => report.tests.find((t) => t.id === id);

    it('reads the runner’s report: ids, lines, expected and actual', async () => {
      const { report } = await run('python3 -m unittest discover -s tests');
      assert.equal(report.framework, 'unittest');
      assert.equal(report.exitCode, 1);
      assert.equal(report.runError, undefined);
      assert.deepEqual(report.counts, { passed: 1, failed: 2, errored: 0, skipped: 0 });
      const mean = byId(report, MEAN)!;
      assert.equal(mean.name, 'test_core.TestMean.test_mean');
      assert.equal(mean.file, 'tests/test_core.py');
      assert.equal(mean.line, 7);
      assert.equal(mean.message, 'AssertionError: 3.0 != 2.0');
      assert.equal(mean.actual, '3.0');
      assert.equal(mean.expected, '2.0');
      assert.deepEqual(mean.frames, [
        { file: 'tests/test_core.py', line: 8, inProject: true, functionName: 'test_mean' },
      ]);
      assert.match(report.output, /^FAILED \(failures=2\)$/m, 'the console output stays unittest’s own');
      assert.ok(!report.tests.some((t) => /failures=/.test(t.id)));
    });

    it('reads unittest’s own verbose output when there is no report', async () => {
      const fixture = path.join(__dirname, '..', '..', 'fixtures', 'projects', 'unittest-buggy');
      // unittest itself, not our runner, as for a command the adapter could not rewrite.
      const plain = await promisify(execFile)('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-v'], {
        cwd: fixture,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
      }).then(
        () => assert.fail('the fixture has failing tests'),
        (error: { stdout: string; stderr: string }) => error,
      );
      const parsed = unittestAdapter.parse({
        projectRoot: fixture,
        command: 'python3 -m unittest discover -s tests -v',
        exitCode: 1,
        timedOut: false,
        output: `${plain.stdout}${plain.stderr}`,
        durationMs: 1,
      });
      assert.deepEqual(parsed.counts, { passed: 1, failed: 2, errored: 0, skipped: 0 });
      const mean = parsed.tests.find((t) => t.id === 'test_core.TestMean.test_mean')!;
      assert.equal(mean.status, 'failed');
      assert.equal(mean.file, 'tests/test_core.py');
      assert.equal(mean.line, 8);
      assert.equal(mean.message, 'AssertionError: 3.0 != 2.0');
      assert.equal(mean.expected, '2.0');
      assert.equal(parsed.tests.find((t) => t.id === 'test_core.TestMedian.test_median')?.status, 'passed');
      assert.ok(!parsed.tests.some((t) => /failures=/.test(t.id + t.name)), 'no test named "(failures=2)"');
    });

    it('runs only the selected test', async () => {
      const tests = [{ name: 'test_core.TestMean.test_mean' }] as TestCaseResult[];
      const command = unittestAdapter.selectTests!('python3 -m unittest discover -s tests', tests, 'tests')!;
      const { report } = await run(command);
      assert.deepEqual(
        report.tests.map((t) => t.id),
        [MEAN],
      );
    });

    it('reports an exception with its frames, and a failed subtest by its parameters', async () => {
      const { report } = await run('python3 -m unittest discover -s tests', (root) =>
        writeFile(
          path.join(root, 'tests', 'test_more.py'),
          'import unittest\n\nfrom stats import median\n\n\nclass TestMore(unittest.TestCase):\n' +
            '    def test_empty(self):\n        median([])\n\n' +
            '    def test_cases(self):\n        for n in [1, 2]:\n            with self.subTest(n=n):\n' +
            '                self.assertEqual(median([n]), 1)\n',
        ),
      );
      const empty = byId(report, 'tests/test_more.py::TestMore::test_empty')!;
      assert.equal(empty.status, 'errored');
      assert.equal(empty.message, 'IndexError: list index out of range');
      assert.deepEqual(
        empty.frames.map((f) => [f.file, f.functionName]),
        [
          ['tests/test_more.py', 'test_empty'],
          ['stats/core.py', 'median'],
        ],
      );
      const cases = byId(report, 'tests/test_more.py::TestMore::test_cases')!;
      assert.equal(cases.status, 'failed');
      assert.equal(cases.message, 'AssertionError: 2 != 1 (n=2)');
    });

    it('reports a test module that cannot be imported as an errored file', async () => {
      const { report } = await run('python3 -m unittest discover -s tests', async (root) => {
        await rm(path.join(root, 'tests', 'test_core.py'));
        await writeFile(path.join(root, 'tests', 'test_broken.py'), 'import unittest\nimport no_such_module\n');
      });
      assert.deepEqual(
        report.tests.map((t) => [t.id, t.status, t.file]),
        [['tests/test_broken.py', 'errored', 'tests/test_broken.py']],
      );
      assert.equal(
        report.runError,
        "could not import test_broken: ModuleNotFoundError: No module named 'no_such_module'",
      );
      assert.deepEqual(
        report.tests[0]!.frames.map((f) => [f.file, f.line]),
        [['tests/test_broken.py', 2]],
      );
    });

    it('names a hung test and where it was stuck, with a per-test limit our runner applies', async () => {
      const copy = await copyProject('unittest-buggy');
      cleanups.push(copy.remove);
      await writeFile(
        path.join(copy.root, 'tests', 'test_wait.py'),
        'import unittest\n\n\ndef spin():\n    while True:\n        pass\n\n\n' +
          'class TestWait(unittest.TestCase):\n    def test_spins(self):\n        spin()\n',
      );
      const project = await setUpProject(copy.root);
      cleanups.push(() => project.sandbox.dispose());
      assert.equal(project.command, 'python3 -m unittest discover -s tests');
      const hung = await nameHungTest(project, { timeoutMs: 8_000 });
      assert.equal(hung?.id, 'tests/test_wait.py::test_spins');
      assert.equal(hung?.message, 'hung: did not finish within 2 s');
      // The loop is stopped wherever it happens to be: on its `while` line or its body's.
      const spinLine = hung?.frames[1]?.line;
      assert.ok(spinLine === 5 || spinLine === 6, `stuck in spin's loop, not at line ${spinLine}`);
      assert.deepEqual(
        hung?.frames.map((f) => [f.file, f.functionName]),
        [
          ['tests/test_wait.py', 'test_spins'],
          ['tests/test_wait.py', 'spin'],
        ],
      );
      assert.equal(hung?.frames[0]?.line, 11);
    });
  });
});
