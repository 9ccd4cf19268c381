import { strict as assert } from 'node:assert';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tracePythonCoverage, tracePythonValues, pythonTraceApplies } from '../../../../src/core/localize/trace/python';
import type { CoverageSpectrum, ExecutedFunction, TraceRequest } from '../../../../src/core/localize/types';
import { formatRuntimeValues } from '../../../../src/core/localize/values';
import { createSandbox, ProcessRunner, selectIsolation, type CommandRunner } from '../../../../src/core/sandbox';
import { nodeTestAdapter, pytestAdapter, runTests, type TestCaseResult } from '../../../../src/core/testing';
import { copyProject, processesInSandboxes } from '../../../support/projects';
import { requireBwrap } from '../../sandbox/isolation/backends';

const TIMEOUT_MS = 90_000;
const FAILING_ID = 'tests/test_counting.py::CountingTests::test_counts_every_even_number';
/** Failing tests of a function that raises and of a generator, added to a copy of the project. */
const EXTRA_TESTS = `from counting.core import first_match, is_even, running_counts


def test_no_even():
    assert first_match([1, 3], is_even) is None


def test_running_counts():
    assert list(running_counts([1, 2], is_even)) == [1, 1]
`;

/** The request the repair would make after its baseline run of `command` on the project at `root`. */
async function traceRequest(runner: CommandRunner, root: string, command: string): Promise<TraceRequest> {
  const baseline = await runTests({ runner, root, adapter: pytestAdapter, command, timeoutMs: TIMEOUT_MS });
  const failing = baseline.tests.filter((t) => t.status === 'failed' || t.status === 'errored');
  return { runner, root, adapter: pytestAdapter, command, failing, tests: baseline.tests, timeoutMs: TIMEOUT_MS };
}

function fn(spectrum: CoverageSpectrum, file: string, name: string): ExecutedFunction | undefined {
  return spectrum.functions.find((f) => f.file === file && f.name === name);
}

function testById(req: TraceRequest, id: string): TestCaseResult {
  const found = req.tests.find((t) => t.id === id);
  assert.ok(found, `no test ${id} in ${req.tests.map((t) => t.id).join(', ')}`);
  return found;
}

/** What the loop bug's spectrum must say, whichever runner traced it. */
function assertLoopSpectrum(spectrum: CoverageSpectrum | undefined): asserts spectrum is CoverageSpectrum {
  assert.ok(spectrum, 'a spectrum');
  const buggy = fn(spectrum, 'counting/core.py', 'count_matching');
  assert.deepEqual(buggy, {
    file: 'counting/core.py',
    name: 'count_matching',
    line: 8,
    failingTests: [FAILING_ID],
    passingTests: 3, // test_empty, test_first_item_odd, test_exactly_n
  });
  assert.deepEqual(fn(spectrum, 'counting/core.py', 'exactly_n')?.failingTests, []);
  assert.equal(fn(spectrum, 'counting/core.py', 'exactly_n')?.passingTests, 1);
  assert.equal(spectrum.failingTraced, 1);
  assert.ok(!spectrum.functions.some((f) => pytestAdapter.isTestFile(f.file)), 'no test code');
}

describe('Python tracer (real pytest runs)', function () {
  this.timeout(240_000);
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function project(name: string): Promise<string> {
    const copy = await copyProject(name);
    cleanups.push(copy.remove);
    return copy.root;
  }

  it('applies to pytest only', () => {
    const req = { adapter: pytestAdapter } as TraceRequest;
    assert.equal(pythonTraceApplies(req), true);
    assert.equal(pythonTraceApplies({ ...req, adapter: nodeTestAdapter }), false);
  });

  it('spectrum of `python3 -m pytest`: the loop function with its failing test, the unused big module absent', async () => {
    const req = await traceRequest(new ProcessRunner(), await project('python-trace'), 'python3 -m pytest');
    assert.deepEqual(
      req.failing.map((t) => t.id),
      [FAILING_ID],
    );
    const spectrum = await tracePythonCoverage(req);
    assertLoopSpectrum(spectrum);
    // Only the failing test's file ran: its 5 passing neighbours, not tests/test_report.py.
    assert.equal(spectrum.passingTraced, 5);
    assert.deepEqual(fn(spectrum, 'counting/core.py', 'is_even')?.failingTests, [FAILING_ID]);
    // Imported by the test file, run at import time, never called by a test that ran.
    assert.ok(!spectrum.functions.some((f) => f.file === 'counting/report.py'), JSON.stringify(spectrum.functions));
  });

  it('runtime values of the loop: arguments, first and last steps, what was left out, the return value', async () => {
    const req = await traceRequest(new ProcessRunner(), await project('python-trace'), 'python3 -m pytest');
    const target = { file: 'counting/core.py', name: 'count_matching', line: 8 };
    const values = await tracePythonValues(req, target, testById(req, FAILING_ID));
    assert.ok(values, 'values');
    assert.equal(values.test, FAILING_ID);
    assert.equal(values.calls.length, 1);
    assert.equal(values.omittedCalls, 0);
    const [call] = values.calls;
    assert.deepEqual(call!.args, { items: '[0, 1, 2, 3, 4, 5, 6, 7, ...]', predicate: '<function is_even>' });
    assert.deepEqual(call!.steps[0], {
      line: 10,
      locals: { items: call!.args.items, predicate: '<function is_even>', count: '0' },
    });
    // The loop starts at index 1: the bug, visible in the first iteration.
    assert.equal(call!.steps[1]!.locals.index, '1');
    assert.equal(call!.steps.at(-1)!.line, 14);
    assert.equal(call!.steps.at(-1)!.locals.count, '14');
    assert.ok(call!.omittedSteps > 0);
    assert.equal(call!.steps.length, 20);
    assert.equal(call!.returned, '14');

    const text = formatRuntimeValues(values);
    assert.match(text, /^count_matching \(counting\/core\.py:8\) while tests\/test_counting\.py::CountingTests::/);
    assert.match(text, /\n {2}line 10: count=0\n {2}line 11: index=1\n/);
    assert.match(text, new RegExp(`\\n {2}… ${call!.omittedSteps} steps left out …\\n`));
    assert.match(text, /\n {2}returned 14$/);
  });

  it('runtime values of a call that raises (the exception), and of a generator (what it yielded)', async () => {
    const root = await project('python-trace');
    await writeFile(path.join(root, 'tests', 'test_extra.py'), EXTRA_TESTS);
    const req = await traceRequest(new ProcessRunner(), root, 'python3 -m pytest tests/test_extra.py');
    const lookup = { file: 'counting/core.py', name: 'first_match', line: 22 };
    const raised = await tracePythonValues(req, lookup, testById(req, 'tests/test_extra.py::test_no_even'));
    assert.ok(raised, 'values of first_match');
    assert.equal(raised.calls[0]!.raised, "LookupError('no item matches')");
    assert.equal(raised.calls[0]!.returned, undefined);
    assert.match(formatRuntimeValues(raised), /\n {2}line 26\n {2}raised LookupError\('no item matches'\)$/);

    const counts = { file: 'counting/core.py', name: 'running_counts', line: 29 };
    const yielded = await tracePythonValues(req, counts, testById(req, 'tests/test_extra.py::test_running_counts'));
    assert.ok(yielded, 'values of running_counts');
    assert.equal(yielded.calls.length, 1, 'resuming a generator continues its call');
    assert.deepEqual(
      yielded.calls[0]!.steps.filter((step) => step.yielded !== undefined).map((step) => [step.line, step.yielded]),
      [
        [35, '0'],
        [35, '1'],
      ],
    );
    assert.match(formatRuntimeValues(yielded), /\n {2}line 35: yielded 1\n/);
  });

  it('a command pytest cannot be narrowed in (`cd . && pytest`) still gives a spectrum, from the whole run', async () => {
    const req = await traceRequest(new ProcessRunner(), await project('python-trace'), 'cd . && pytest');
    assert.equal(pytestAdapter.selectTests!(req.command, req.failing, 'files'), undefined);
    const spectrum = await tracePythonCoverage(req);
    assertLoopSpectrum(spectrum);
    assert.equal(spectrum.passingTraced, 6, 'tests/test_report.py ran too');
    assert.deepEqual(fn(spectrum, 'counting/report.py', 'format_row_1'), {
      file: 'counting/report.py',
      name: 'format_row_1',
      line: 10,
      failingTests: [],
      passingTests: 1,
    });
  });

  it('a run that hangs gives no spectrum and no values, and leaves no process behind', async () => {
    const root = await project('python-hangs');
    const failing: TestCaseResult = {
      id: 'tests/test_core.py::test_mean',
      name: 'test_mean',
      file: 'tests/test_core.py',
      status: 'failed',
      frames: [],
    };
    const req: TraceRequest = {
      runner: new ProcessRunner(),
      root,
      adapter: pytestAdapter,
      command: 'python3 -m pytest',
      failing: [failing],
      tests: [failing],
      timeoutMs: 4_000,
    };
    assert.equal(await tracePythonCoverage(req), undefined);
    assert.equal(await tracePythonValues(req, { file: 'stats/core.py', name: 'mean', line: 4 }, failing), undefined);
    assert.deepEqual(await processesInSandboxes(), []);
  });

  it('under bubblewrap, in a sandbox view: the same spectrum and values', async function () {
    await requireBwrap(this);
    const projectRoot = await project('python-trace');
    const { runner } = await selectIsolation({ mode: 'strict', network: false, projectRoot });
    const sandbox = await createSandbox(projectRoot);
    cleanups.push(() => sandbox.dispose());
    const req = await traceRequest(runner, sandbox.root, 'python3 -m pytest');
    const spectrum = await tracePythonCoverage(req);
    assertLoopSpectrum(spectrum);
    assert.equal(spectrum.passingTraced, 5);
    const target = { file: 'counting/core.py', name: 'count_matching', line: 8 };
    const values = await tracePythonValues(req, target, testById(req, FAILING_ID));
    assert.equal(values?.calls[0]?.returned, '14');
  });
});
