import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pytestAdapter, type TestCaseResult, type TestReport } from '../../../src/core/testing';
import { assertionOperands, pythonFrames } from '../../../src/core/testing/pytest';
import { FAKE_ROOT, loadScenario } from './scenarios';

function parseScenario(name: string): TestReport {
  return pytestAdapter.parse(loadScenario(name));
}

function byId(report: TestReport, id: string): TestCaseResult {
  const found = report.tests.find((t) => t.id === id);
  assert.ok(found, `no test ${id} among ${report.tests.map((t) => t.id).join(', ')}`);
  return found;
}

describe('pytest adapter', () => {
  describe('matchesCommand', () => {
    for (const command of [
      'pytest',
      'pytest -x tests/',
      'python -m pytest',
      'python3 -m pytest -k mean',
      '.venv/bin/pytest',
      'uv run pytest',
      'cd sub && pytest',
      'py.test',
    ]) {
      it(`recognises ${command}`, () => assert.equal(pytestAdapter.matchesCommand(command), true));
    }
    for (const command of ['node --test', 'npm test', 'python -m unittest', 'pytest-watch', 'make test']) {
      it(`does not claim ${command}`, () => assert.equal(pytestAdapter.matchesCommand(command), false));
    }
  });

  describe('prepare', () => {
    it('adds a junit report in xunit1 form, no cache and quiet output', () => {
      const prepared = pytestAdapter.prepare('python3 -m pytest', '/tmp/reports');
      assert.equal(
        prepared.command,
        'python3 -m pytest --junitxml=/tmp/reports/pytest.xml -o junit_family=xunit1 -p no:cacheprovider -q',
      );
      assert.equal(prepared.reportPath, '/tmp/reports/pytest.xml');
    });

    it('keeps the user’s own verbosity and cache choice', () => {
      const prepared = pytestAdapter.prepare('pytest -v -p no:cacheprovider tests/', '/r');
      assert.equal(
        prepared.command,
        'pytest -v -p no:cacheprovider tests/ --junitxml=/r/pytest.xml -o junit_family=xunit1',
      );
    });

    it('puts the flags on the pytest command, not after a following shell command', () => {
      const prepared = pytestAdapter.prepare('pytest tests && echo done', '/r');
      assert.equal(
        prepared.command,
        'pytest tests --junitxml=/r/pytest.xml -o junit_family=xunit1 -p no:cacheprovider -q && echo done',
      );
    });

    it('quotes a report folder with spaces', () => {
      const prepared = pytestAdapter.prepare('pytest', '/tmp/my reports');
      assert.match(prepared.command, /--junitxml='\/tmp\/my reports\/pytest\.xml'/);
    });

    it('leaves a command it does not know unchanged and expects no report', () => {
      assert.deepEqual(pytestAdapter.prepare('make test', '/r'), { command: 'make test' });
    });
  });

  describe('isTestFile', () => {
    for (const file of ['tests/test_core.py', 'test_x.py', 'pkg/x_test.py', 'conftest.py', 'tests/helpers.py']) {
      it(`${file} is a test file`, () => assert.equal(pytestAdapter.isTestFile(file), true));
    }
    for (const file of ['stats/core.py', 'testing.py', 'tests/data.json', 'src/contest.py']) {
      it(`${file} is not`, () => assert.equal(pytestAdapter.isTestFile(file), false));
    }
  });

  describe('detect and defaultCommand', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-pytest-'));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('finds pytest by its configuration in pyproject.toml', async () => {
      await writeFile(
        path.join(dir, 'pyproject.toml'),
        '[project]\nname = "x"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
      );
      assert.equal(await pytestAdapter.detect(dir), true);
    });

    it('finds pytest by test files in tests/', async () => {
      await mkdir(path.join(dir, 'tests'));
      await writeFile(path.join(dir, 'tests', 'test_api.py'), 'def test_a():\n    pass\n');
      assert.equal(await pytestAdapter.detect(dir), true);
    });

    it('does not claim a project without Python tests', async () => {
      await writeFile(path.join(dir, 'pyproject.toml'), '[project]\nname = "x"\n');
      await writeFile(path.join(dir, 'main.py'), 'print(1)\n');
      assert.equal(await pytestAdapter.detect(dir), false);
    });

    it('runs pytest through the project virtualenv when there is one', async () => {
      assert.equal(await pytestAdapter.defaultCommand(dir), 'python3 -m pytest');
      await mkdir(path.join(dir, '.venv', 'bin'), { recursive: true });
      await writeFile(path.join(dir, '.venv', 'bin', 'python'), '');
      assert.equal(await pytestAdapter.defaultCommand(dir), '.venv/bin/python -m pytest');
    });
  });

  describe('parse (junit report)', () => {
    it('reads the buggy stats project: one failure with its operands, three passes', () => {
      const report = parseScenario('pytest-python-buggy');
      assert.equal(report.framework, 'pytest');
      assert.deepEqual(report.counts, { passed: 3, failed: 1, errored: 0, skipped: 0 });
      assert.deepEqual(
        report.tests.map((t) => `${t.id} ${t.status}`),
        [
          'tests/test_core.py::test_mean failed',
          'tests/test_core.py::test_median_odd passed',
          'tests/test_core.py::test_median_even passed',
          'tests/test_core.py::test_median_single passed',
        ],
      );
      const mean = byId(report, 'tests/test_core.py::test_mean');
      assert.equal(mean.name, 'test_mean');
      assert.equal(mean.file, 'tests/test_core.py');
      assert.equal(mean.line, 4, 'junit lines are 0-based; the def is on line 4');
      assert.equal(mean.message, 'assert 3.0 == 2.0');
      assert.equal(mean.actual, '3.0');
      assert.equal(mean.expected, '2.0');
      assert.match(mean.details!, /where 3\.0 = mean\(\[1, 2, 3\]\)/);
      assert.deepEqual(mean.frames, [
        { file: 'tests/test_core.py', line: 5, functionName: 'test_mean', inProject: true },
      ]);
      assert.equal(report.runError, undefined);
    });

    it('reads classes, parametrized tests, fixture errors, skips and frames in library code', () => {
      const report = parseScenario('pytest-mixed');
      assert.deepEqual(report.counts, { passed: 2, failed: 3, errored: 1, skipped: 1 });
      assert.deepEqual(
        report.tests.map((t) => t.id),
        [
          'tests/test_shapes.py::TestSides::test_scale_ok',
          'tests/test_shapes.py::TestSides::test_average_side',
          'tests/test_shapes.py::TestSides::test_label',
          'tests/test_shapes.py::test_needs_database',
          'tests/test_shapes.py::test_later',
          'tests/test_shapes.py::test_one[1]',
          'tests/test_shapes.py::test_one[2]',
        ],
      );

      const average = byId(report, 'tests/test_shapes.py::TestSides::test_average_side');
      assert.equal(average.status, 'failed');
      assert.equal(average.message, 'ZeroDivisionError: division by zero');
      assert.equal(average.expected, undefined, 'an exception is not an assertion: no operands');
      assert.deepEqual(
        average.frames.map((f) => `${f.file}:${f.line} ${f.functionName}`),
        ['shapes/area.py:2 scale', 'shapes/area.py:6 average_side', 'tests/test_shapes.py:16 test_average_side'],
        'innermost first, each named after its function',
      );

      const label = byId(report, 'tests/test_shapes.py::TestSides::test_label');
      assert.equal(label.actual, "'square == box'", '== inside a string does not split the operands');
      assert.equal(label.expected, "'square == cube'");

      const database = byId(report, 'tests/test_shapes.py::test_needs_database');
      assert.equal(database.status, 'errored');
      assert.match(database.message!, /RuntimeError: database is down/);
      assert.deepEqual(database.frames[0], {
        file: 'tests/test_shapes.py',
        line: 8,
        functionName: 'database',
        inProject: true,
      });

      const later = byId(report, 'tests/test_shapes.py::test_later');
      assert.equal(later.status, 'skipped');
      assert.equal(later.message, 'not ready yet');

      const one = byId(report, 'tests/test_shapes.py::test_one[2]');
      assert.deepEqual([one.actual, one.expected], ['2', '1']);
    });

    it('maps a native traceback: project frames in, pytest internals marked outside the project', () => {
      const report = parseScenario('pytest-native-traceback');
      const average = byId(report, 'tests/test_shapes.py::TestSides::test_average_side');
      const inProject = average.frames.filter((f) => f.inProject).map((f) => `${f.file}:${f.line} ${f.functionName}`);
      assert.deepEqual(inProject, [
        'shapes/area.py:2 scale',
        'shapes/area.py:6 average_side',
        'tests/test_shapes.py:16 test_average_side',
      ]);
      const outside = average.frames.filter((f) => !f.inProject);
      assert.ok(outside.length > 0);
      assert.ok(
        outside.every((f) => f.file.includes('site-packages')),
        'pytest’s own frames are not the project’s',
      );
      assert.equal(average.expected, undefined, 'the quoted source line `assert ... == 1.5` is not the failure');
      const one = byId(report, 'tests/test_shapes.py::test_one[2]');
      assert.deepEqual([one.actual, one.expected], ['2', '1']);
    });

    it('turns a collection error into an errored module and a one-line run error', () => {
      const report = parseScenario('pytest-collection-error');
      assert.equal(report.tests.length, 1);
      const [broken] = report.tests;
      assert.equal(broken!.id, 'tests/test_imports.py');
      assert.equal(broken!.status, 'errored');
      assert.equal(broken!.message, "ModuleNotFoundError: No module named 'shapes'");
      assert.deepEqual(broken!.frames[0], {
        file: 'tests/test_imports.py',
        line: 1,
        functionName: '<module>',
        inProject: true,
      });
      assert.equal(
        report.runError,
        "collection error in tests/test_imports.py: ModuleNotFoundError: No module named 'shapes'",
      );
    });

    it('maps paths of the root it is given, not those of the machine that ran', () => {
      const report = pytestAdapter.parse(loadScenario('pytest-collection-error', '/srv/other'));
      assert.match(report.tests[0]!.details!, /\/srv\/other\/tests\/test_imports\.py/);
    });
  });

  describe('parse (console output only)', () => {
    it('reads failures, errors and counts from pytest’s own summary', () => {
      const report = parseScenario('pytest-mixed-console');
      assert.deepEqual(report.counts, { passed: 2, failed: 3, errored: 1, skipped: 1 });
      assert.deepEqual(report.tests.map((t) => `${t.id} ${t.status}`).sort(), [
        'tests/test_shapes.py::TestSides::test_average_side failed',
        'tests/test_shapes.py::TestSides::test_label failed',
        'tests/test_shapes.py::test_needs_database errored',
        'tests/test_shapes.py::test_one[2] failed',
      ]);
      const average = byId(report, 'tests/test_shapes.py::TestSides::test_average_side');
      assert.equal(average.message, 'ZeroDivisionError: division by zero', 'the whole error, not the cut summary line');
      assert.equal(average.frames[0]!.file, 'shapes/area.py');
      const label = byId(report, 'tests/test_shapes.py::TestSides::test_label');
      assert.deepEqual([label.actual, label.expected], ["'square == box'", "'square == cube'"]);
    });

    it('reports a collection error seen only on the console', () => {
      const report = parseScenario('pytest-collection-error-console');
      assert.equal(report.tests[0]!.id, 'tests/test_imports.py');
      assert.equal(
        report.runError,
        "collection error in tests/test_imports.py: ModuleNotFoundError: No module named 'shapes'",
      );
    });

    it('makes nothing up from output that is not pytest’s', () => {
      const report = pytestAdapter.parse({
        projectRoot: FAKE_ROOT,
        command: 'pytest',
        exitCode: 127,
        timedOut: false,
        output: 'sh: 1: pytest: not found\n',
        durationMs: 5,
      });
      assert.deepEqual(report.tests, []);
      assert.deepEqual(report.counts, { passed: 0, failed: 0, errored: 0, skipped: 0 });
    });
  });

  describe('assertionOperands', () => {
    it('takes the left side as actual and the right as expected', () => {
      assert.deepEqual(assertionOperands('AssertionError: assert 2.5 == 3.0\n +  where 2.5 = mean([1, 2, 3])'), {
        actual: '2.5',
        expected: '3.0',
      });
      assert.deepEqual(assertionOperands('E       assert [1, 2] == [1, 3]'), { actual: '[1, 2]', expected: '[1, 3]' });
    });

    it('gives none for other comparisons', () => {
      assert.equal(assertionOperands('assert 2 != 2'), undefined);
      assert.equal(assertionOperands('assert x in y'), undefined);
      assert.equal(assertionOperands('    assert mean(xs) == 2'), undefined);
    });
  });

  describe('pythonFrames', () => {
    it('reads pytest’s short form and marks code outside the root', () => {
      const trace = [
        '/usr/lib/python3/dist-packages/numpy/core.py:10: in mean',
        '    return x',
        `${FAKE_ROOT}/stats/core.py:12: in compute`,
        '    return mean(xs)',
        'stats/core.py:3: ValueError',
      ].join('\n');
      assert.deepEqual(pythonFrames(trace, FAKE_ROOT), [
        { file: 'stats/core.py', line: 3, inProject: true },
        { file: 'stats/core.py', line: 12, functionName: 'compute', inProject: true },
        { file: '/usr/lib/python3/dist-packages/numpy/core.py', line: 10, functionName: 'mean', inProject: false },
      ]);
    });

    it('treats a virtualenv inside the project as outside code', () => {
      const trace = `  File "${FAKE_ROOT}/.venv/lib/python3.11/site-packages/requests/api.py", line 5, in get`;
      assert.deepEqual(pythonFrames(trace, FAKE_ROOT), [
        { file: '.venv/lib/python3.11/site-packages/requests/api.py', line: 5, functionName: 'get', inProject: false },
      ]);
    });
  });
});
