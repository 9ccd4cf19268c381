import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { testDefinitionFor, testPath } from '../../../src/core/localize/test-code';
import { ProcessRunner } from '../../../src/core/sandbox';
import { findTestDefinitions, type TestDefinition } from '../../../src/core/syntax';
import {
  nodeTestAdapter,
  pytestAdapter,
  runTests,
  type FrameworkAdapter,
  type TestReport,
} from '../../../src/core/testing';
import { isFailing, type TestCaseResult } from '../../../src/core/testing/types';
import { copyProject } from '../../support/projects';
import { fixture } from '../syntax/fixtures';

const PY = 'tests/test_more.py';
const JS = 'test/table.test.js';

/** A failed result as an adapter reports it: the id, the framework's name, the file and maybe the line. */
function reported(id: string, name: string, file: string, line?: number): TestCaseResult {
  return { id, name, file, status: 'failed', frames: [], ...(line === undefined ? {} : { line }) };
}

describe('localize/test-code: the failing test, found by the report', () => {
  let python: TestDefinition[];
  let script: TestDefinition[];
  before(async () => {
    python = await findTestDefinitions(fixture('pytest-testcase-names', 'test_more.py'), PY, 'python');
    script = await findTestDefinitions(fixture('script-computed-names', 'table.test.js'), JS, 'javascript');
  });
  const pyDef = (id: string, line?: number) =>
    testDefinitionFor(reported(`${PY}::${id}`, id.split('::').pop()!, PY, line), python);
  const jsDef = (id: string, name: string, line?: number) =>
    testDefinitionFor(reported(`${JS} > ${id}`, name, JS, line), script);

  it('takes pytest ids apart, parameters with `::`, spaces and brackets included', () => {
    const path = (id: string) => testPath(reported(`${PY}::${id}`, id.split('::').pop()!, PY));
    assert.deepEqual(path('WindowedCompleteTests::test_basic'), {
      style: 'pytest',
      parents: ['WindowedCompleteTests'],
      name: 'test_basic',
      fullName: 'WindowedCompleteTests::test_basic',
    });
    assert.equal(path('test_x[1-2]').fullName, 'test_x');
    assert.equal(path('TestOuter::TestInner::test_deep[a::b]').fullName, 'TestOuter::TestInner::test_deep');
    assert.equal(path('TestOuter::TestInner::test_deep[s p[a]]').fullName, 'TestOuter::TestInner::test_deep');
  });

  it('finds WindowedCompleteTests::test_basic, not the same-named test of TestRunningMin', () => {
    assert.equal(pyDef('WindowedCompleteTests::test_basic')?.fullName, 'WindowedCompleteTests::test_basic');
    assert.equal(pyDef('WindowedCompleteTests::test_basic', 15)?.range.startLine, 15);
    assert.equal(pyDef('TestRunningMin::test_basic')?.fullName, 'TestRunningMin::test_basic');
  });

  it('never returns a test of another class, whatever the line says', () => {
    assert.equal(pyDef('UnknownTests::test_basic'), undefined);
    assert.equal(pyDef('UnknownTests::test_basic', 10), undefined, 'line 10 is TestRunningMin::test_basic');
    assert.equal(pyDef('UnknownTests::test_own'), undefined, 'one test_own, but in FooTests');
    assert.equal(pyDef('test_basic'), undefined, 'two test_basic: a bare name is ambiguous');
  });

  it('allows a bare name only when one definition has it and the report names no other class', () => {
    assert.equal(pyDef('test_zero_length')?.fullName, 'WindowedCompleteTests::test_zero_length');
  });

  it('finds parametrized and nested tests', () => {
    assert.equal(pyDef('test_module_async[2]')?.fullName, 'test_module_async');
    for (const params of ['[1]', '[a::b]', '[s p[a]]'])
      assert.equal(pyDef(`TestOuter::TestInner::test_deep${params}`)?.fullName, 'TestOuter::TestInner::test_deep');
    assert.equal(
      pyDef('TestOuter::TestInner::TestInnermost::test_deeper')?.fullName,
      'TestOuter::TestInner::TestInnermost::test_deeper',
    );
  });

  it('finds an inherited test in its base class, an overridden one in the class itself', () => {
    assert.equal(pyDef('FooTests::test_shared', 23)?.fullName, 'BaseTests::test_shared');
    assert.equal(pyDef('FooTests::test_overridden', 31)?.fullName, 'FooTests::test_overridden');
    assert.equal(pyDef('MixedTests::test_from_mixin')?.fullName, 'SharedChecks::test_from_mixin');
    assert.equal(pyDef('BaseTests::test_overridden')?.range.startLine, 26);
  });

  it('matches .each, describe.each and template names against what the runner reports', () => {
    assert.equal(jsDef('sum > adds 1 + 2 to 3', 'adds 1 + 2 to 3')?.range.startLine, 4);
    assert.equal(jsDef('sum > returns 2 when 1 is added to 1', 'returns 2 when 1 is added to 1')?.range.startLine, 11);
    assert.equal(jsDef('currency USD > formats', 'formats')?.range.startLine, 28);
    assert.equal(jsDef('squares 2 to 4', 'squares 2 to 4')?.range.startLine, 34);
  });

  it('prefers a literal name to a pattern, and lets the reported line win', () => {
    assert.equal(jsDef('sum > adds 1 + 1 to 2', 'adds 1 + 1 to 2')?.range.startLine, 22);
    assert.equal(jsDef('sum > adds 1 + 1 to 2', 'adds 1 + 1 to 2', 4)?.range.startLine, 4);
    assert.equal(jsDef('empty input', 'empty input', 41)?.name, 'c.name');
    assert.equal(jsDef('same', 'same', 54)?.range.startLine, 54);
    assert.equal(jsDef('same (2)', 'same', 54)?.range.startLine, 54, 'the reporter numbers a repeated id');
    assert.equal(jsDef('same', 'same')?.range.startLine, 53);
  });

  it('reads ids without their file (node read off the console) and a line inside the test (a frame)', () => {
    const def = testDefinitionFor(reported('currency EUR > formats', 'formats', JS, 29), script);
    assert.equal(def?.range.startLine, 28);
    assert.equal(testDefinitionFor(reported('sum > nothing like it', 'nothing like it', JS), script), undefined);
  });
});

/** The report of a real run of a sample project, and the definitions of `file` in it. */
async function runSample(
  project: string,
  adapter: FrameworkAdapter,
  file: string,
): Promise<{ report: TestReport; defs: TestDefinition[] }> {
  const copy = await copyProject(project);
  try {
    const report = await runTests({
      runner: new ProcessRunner(),
      root: copy.root,
      adapter,
      command: await adapter.defaultCommand(copy.root),
      timeoutMs: 60_000,
    });
    const lang = file.endsWith('.py') ? 'python' : 'javascript';
    const defs = await findTestDefinitions(await readFile(path.join(copy.root, file), 'utf8'), file, lang);
    return { report, defs };
  } finally {
    await copy.remove();
  }
}

describe('localize/test-code on real reports', () => {
  it('finds the failing TestCase method, not the passing test of the same name in another class', async () => {
    const { report, defs } = await runSample('python-testcase-names', pytestAdapter, 'tests/test_core.py');
    assert.deepEqual(
      report.tests.filter(isFailing).map((t) => t.id),
      [
        'tests/test_core.py::WindowedCompleteTests::test_basic',
        'tests/test_core.py::WindowedCompleteOfTuplesTests::test_basic',
      ],
      report.runError ?? report.output,
    );
    for (const test of report.tests.filter(isFailing))
      assert.equal(testDefinitionFor(test, defs)?.fullName, 'WindowedCompleteTests::test_basic', test.id);
    assertEveryTestAtItsLine(report, defs);
  });

  it('finds node --test tests named in a loop, the reported line telling apart two of one name', async () => {
    const { report, defs } = await runSample('js-computed-names', nodeTestAdapter, 'test/square.test.js');
    const failing = report.tests.filter(isFailing);
    assert.deepEqual(
      failing.map((t) => t.id),
      ['test/square.test.js > square > of 3'],
      report.runError ?? report.output,
    );
    assert.equal(testDefinitionFor(failing[0]!, defs)?.fullName, 'square > of ${n}');
    assert.ok(report.tests.some((t) => t.id === 'test/square.test.js > square > of 3 (2)'));
    assertEveryTestAtItsLine(report, defs);
  });
});

/** Every test of the report, passing ones too, is found where the report's line says it is. */
function assertEveryTestAtItsLine(report: TestReport, defs: readonly TestDefinition[]): void {
  assert.ok(report.tests.length >= 4, report.output);
  for (const test of report.tests) {
    const def = testDefinitionFor(test, defs);
    assert.ok(def, `${test.id} not found`);
    assert.equal(def.range.startLine, test.line, test.id);
  }
}
