import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createSandbox, ProcessRunner } from '../../src/core/sandbox';
import { findTestDefinitions, languageForFile } from '../../src/core/syntax';
import { runTests, selectAdapter } from '../../src/core/testing';
import { isFailing, type TestReport } from '../../src/core/testing/types';
import { failureReason } from '../../src/extension/logic/reason';
import { baseTestId, belongsTo, definitionAt, testIdFor } from '../../src/extension/logic/test-ids';
import { FIXTURE_PROJECTS } from '../support/projects';

const EXTENSION_FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'extension');

async function run(root: string): Promise<TestReport> {
  const adapter = await selectAdapter(root);
  const sandbox = await createSandbox(root);
  try {
    return await runTests({
      runner: new ProcessRunner(),
      root: sandbox.root,
      adapter,
      command: await adapter.defaultCommand(root),
      timeoutMs: 60_000,
    });
  } finally {
    await sandbox.dispose();
  }
}

/** The ids the Test Explorer gives the tests tree-sitter finds in a file. */
async function discoveredIds(root: string, file: string, framework: string): Promise<Map<string, number>> {
  const text = await readFile(path.join(root, file), 'utf8');
  const definitions = await findTestDefinitions(text, file, languageForFile(file)!);
  return new Map(definitions.map((d) => [testIdFor(framework, root, file, d.fullName), d.range.startLine]));
}

describe('test ids: what tree-sitter finds is what the run reports', function () {
  this.timeout(120_000);

  const projects = [
    { root: path.join(FIXTURE_PROJECTS, 'python-buggy'), file: 'tests/test_core.py' },
    { root: path.join(FIXTURE_PROJECTS, 'js-buggy'), file: 'test/cart.test.js' },
    { root: path.join(EXTENSION_FIXTURES, 'pytest-classes-params'), file: 'tests/test_shapes.py' },
    { root: path.join(EXTENSION_FIXTURES, 'node-describe-nested'), file: 'test/math.test.js' },
  ];

  for (const { root, file } of projects) {
    it(`maps every result of ${path.basename(root)} to a discovered test at its line`, async () => {
      const report = await run(root);
      assert.ok(report.tests.length >= 3, report.runError ?? report.output);
      assert.ok(report.tests.some(isFailing), 'the sample has a failing test');
      const discovered = await discoveredIds(root, file, report.framework);
      for (const result of report.tests) {
        const id = discovered.has(result.id) ? result.id : baseTestId(result.id);
        assert.ok(discovered.has(id), `${result.id} not among ${[...discovered.keys()].join(', ')}`);
        assert.equal(discovered.get(id), result.line, `${result.id} is defined on line ${result.line}`);
      }
    });
  }

  // Each framework's own ids: the failing tests (and every other) must be the discovered ones.
  const frameworks = [
    { project: 'vitest-buggy', framework: 'vitest', files: ['test/stats.test.ts'] },
    { project: 'jest-buggy', framework: 'jest', files: ['test/invoice.test.js'] },
    { project: 'mocha-buggy', framework: 'mocha', files: ['test/slug.test.js'] },
    { project: 'unittest-buggy', framework: 'unittest', files: ['tests/test_core.py'] },
    // Table-driven subtests (`TestMedian/odd`) have computed names: they belong to their test function.
    { project: 'go-buggy', framework: 'go-test', files: ['stats/stats_test.go'] },
    { project: 'cargo-buggy', framework: 'cargo', files: ['src/lib.rs', 'tests/api.rs'] },
    { fixture: 'go-subtests', framework: 'go-test', files: ['calc_test.go'] },
    {
      fixture: 'cargo-modules',
      framework: 'cargo',
      files: ['src/lib.rs', 'src/circle.rs', 'src/square/mod.rs', 'tests/api.rs'],
    },
  ];

  for (const { project, fixture, framework, files } of frameworks) {
    const root = project ? path.join(FIXTURE_PROJECTS, project) : path.join(EXTENSION_FIXTURES, fixture!);
    it(`names the tests of ${path.basename(root)} (${framework}) as the run reports them`, async () => {
      const report = await run(root);
      assert.equal(report.framework, framework);
      const failing = report.tests.filter(isFailing);
      assert.ok(failing.length > 0, report.runError ?? report.output);
      const discovered = new Set<string>();
      for (const file of files)
        for (const id of (await discoveredIds(root, file, framework)).keys()) discovered.add(id);
      const all = [...discovered].join(', ');
      // Doc-tests are not found in the source as tests; every other result is.
      for (const result of report.tests.filter((t) => !/ - .* \(line \d+\)$/.test(t.id))) {
        const owner = discovered.has(result.id) || [...discovered].some((id) => belongsTo(result.id, id));
        assert.ok(owner, `${result.id} (${result.status}) belongs to none of ${all}`);
      }
      const exact = failing.filter((t) => discovered.has(t.id));
      assert.ok(
        exact.length > 0,
        `no failing test is a discovered one: ${failing.map((t) => t.id).join(', ')} vs ${all}`,
      );
    });
  }

  it('gives the one-line reason the code lens shows', async () => {
    const python = await run(path.join(FIXTURE_PROJECTS, 'python-buggy'));
    assert.equal(failureReason(python.tests.find(isFailing)!), 'assert 3.0 == 2.0');
    const js = await run(path.join(FIXTURE_PROJECTS, 'js-buggy'));
    assert.equal(failureReason(js.tests.find(isFailing)!), 'Expected values to be strictly equal: 7 !== 11');
    assert.equal(failureReason({ status: 'errored', message: '' }), 'error');
    assert.equal(failureReason({ status: 'failed', expected: '1', actual: '2' }), 'expected 1, got 2');
    assert.equal(
      failureReason({ status: 'failed', message: `AssertionError: ${'x'.repeat(200)}` }, 20),
      `${'x'.repeat(19)}…`,
    );
  });

  it('groups parametrized cases, class tests and nested tests under their definition', () => {
    assert.equal(baseTestId('tests/t.py::test_a[1-2]'), 'tests/t.py::test_a');
    assert.equal(baseTestId('tests/t.py::TestX::test_a[x[0]]'), 'tests/t.py::TestX::test_a');
    assert.equal(baseTestId('test/a.test.js > adds [1]'), 'test/a.test.js > adds [1]');
    assert.ok(belongsTo('tests/t.py::TestX::test_a', 'tests/t.py::TestX'));
    assert.ok(belongsTo('test/a.test.js > suite > inner', 'test/a.test.js > suite'));
    assert.ok(!belongsTo('tests/t.py::test_ab', 'tests/t.py::test_a'));
    assert.ok(belongsTo('example.com/m/stats::TestMedian/odd', 'example.com/m/stats::TestMedian'));
    assert.ok(!belongsTo('example.com/m/stats::TestMedianOdd', 'example.com/m/stats::TestMedian'));
    assert.ok(!belongsTo('test/a.test.js > a/b', 'test/a.test.js > a'), 'a slash in a JavaScript name is its own');
  });

  it('finds the test under the cursor', async () => {
    const root = path.join(EXTENSION_FIXTURES, 'node-describe-nested');
    const text = await readFile(path.join(root, 'test/math.test.js'), 'utf8');
    const definitions = await findTestDefinitions(text, 'test/math.test.js', 'javascript');
    assert.equal(definitionAt(definitions, 15)?.fullName, 'half > odd numbers > keeps the fraction');
    assert.equal(definitionAt(definitions, 12)?.fullName, 'half', 'between tests, the suite');
    assert.equal(definitionAt(definitions, 13)?.fullName, 'half > odd numbers');
    assert.equal(definitionAt(definitions, 1), undefined);
  });
});
