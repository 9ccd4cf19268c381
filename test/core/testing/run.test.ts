import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProcessRunner } from '../../../src/core/sandbox';
import type { CommandRunner, RunRequest, RunResult } from '../../../src/core/sandbox/types';
import { nodeTestAdapter, pytestAdapter, runTests, selectAdapter, type TestReport } from '../../../src/core/testing';
import { copyProject, hashTree } from '../../support/projects';

/** The real runner, remembering what it was asked to run. */
class RecordingRunner implements CommandRunner {
  readonly name = 'recording';
  readonly requests: RunRequest[] = [];
  private readonly inner = new ProcessRunner();
  run(request: RunRequest): Promise<RunResult> {
    this.requests.push(request);
    return this.inner.run(request);
  }
}

/** The temporary report folder a run used, as named in its command or NODE_OPTIONS. */
function reportDirOf(request: RunRequest): string {
  const text = `${request.command} ${request.env?.NODE_OPTIONS ?? ''}`;
  const match = /(\/[^\s"'=]*self-repair-[^/\s"'=]*report-[^/\s"']+)/.exec(text);
  assert.ok(match, `no report folder in: ${text}`);
  return match[1]!;
}

const TIMEOUT_MS = 60_000;

describe('runTests (real frameworks, real processes)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  async function project(name: string): Promise<string> {
    const copy = await copyProject(name);
    cleanups.push(copy.remove);
    return copy.root;
  }

  it('runs pytest on the buggy stats project and reports its one failure', async () => {
    const root = await project('python-buggy');
    const runner = new RecordingRunner();
    const adapter = await selectAdapter(root);
    const report = await runTests({
      runner,
      root,
      adapter,
      command: await adapter.defaultCommand(root),
      timeoutMs: TIMEOUT_MS,
    });

    assert.equal(report.framework, 'pytest');
    assert.deepEqual(report.counts, { passed: 3, failed: 1, errored: 0, skipped: 0 });
    assert.equal(report.exitCode, 1);
    assert.equal(report.runError, undefined);
    const [failing] = report.tests.filter((t) => t.status === 'failed');
    assert.equal(failing!.id, 'tests/test_core.py::test_mean');
    assert.deepEqual([failing!.actual, failing!.expected], ['3.0', '2.0']);
    assert.deepEqual(failing!.frames, [
      { file: 'tests/test_core.py', line: 5, functionName: 'test_mean', inProject: true },
    ]);
    assert.match(report.output, /1 failed, 3 passed/);

    const reportDir = reportDirOf(runner.requests[0]!);
    assert.ok(!reportDir.startsWith(root), 'the report is written outside the sandbox');
    assert.equal(existsSync(reportDir), false, 'and removed afterwards');
  });

  it('runs node --test on the buggy cart project and reports its one failure', async () => {
    const root = await project('js-buggy');
    const before = await hashTree(root);
    const runner = new RecordingRunner();
    const report = await runTests({
      runner,
      root,
      adapter: nodeTestAdapter,
      command: 'node --test',
      timeoutMs: TIMEOUT_MS,
    });

    assert.equal(report.framework, 'node-test');
    assert.deepEqual(report.counts, { passed: 2, failed: 1, errored: 0, skipped: 0 });
    const total = report.tests.find((t) => t.status === 'failed')!;
    assert.equal(total.id, 'test/cart.test.js > total multiplies price by quantity');
    assert.deepEqual([total.actual, total.expected], ['7', '11']);
    assert.deepEqual(
      [total.frames[0]!.file, total.frames[0]!.line, total.frames[0]!.inProject],
      ['test/cart.test.js', 13, true],
    );
    assert.match(report.output, /✖ total multiplies price by quantity/, 'people still get readable output');

    assert.deepEqual(await hashTree(root), before, 'nothing was written into the project');
    assert.equal(existsSync(reportDirOf(runner.requests[0]!)), false);
  });

  it('gets the same results through npm test', async () => {
    const root = await project('js-buggy');
    const direct = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: nodeTestAdapter,
      command: 'node --test',
      timeoutMs: TIMEOUT_MS,
    });
    const viaNpm = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: nodeTestAdapter,
      command: 'npm test',
      timeoutMs: TIMEOUT_MS,
    });
    const outcomes = (report: TestReport) => report.tests.map((t) => `${t.id}: ${t.status}`);
    assert.deepEqual(outcomes(viaNpm), outcomes(direct));
  });

  it('copes with a temporary folder whose path has spaces', async () => {
    const spaced = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-with space-'));
    cleanups.push(() => rm(spaced, { recursive: true, force: true }));
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = spaced;
    cleanups.push(async () => {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    });
    const jsRoot = await project('js-buggy');
    const pyRoot = await project('python-buggy');
    const node = await runTests({
      runner: new ProcessRunner(),
      root: jsRoot,
      adapter: nodeTestAdapter,
      command: 'node --test',
      timeoutMs: TIMEOUT_MS,
    });
    const py = await runTests({
      runner: new ProcessRunner(),
      root: pyRoot,
      adapter: pytestAdapter,
      command: 'python3 -m pytest',
      timeoutMs: TIMEOUT_MS,
    });
    assert.equal(node.tests.length, 3);
    assert.ok(
      node.tests.every((t) => t.id.startsWith('test/cart.test.js > ')),
      'read from the report: only it gives every id its file',
    );
    assert.equal(py.tests.length, 4);
    assert.equal(py.tests[0]!.line, 4, 'read from the junit report, which has lines');
  });

  it('surfaces a module that fails to import as a collection error', async () => {
    const root = await project('python-buggy');
    await writeFile(
      path.join(root, 'tests', 'test_io.py'),
      'from stats.io import load\n\n\ndef test_load():\n    assert load\n',
    );
    const report = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: pytestAdapter,
      command: 'python3 -m pytest',
      timeoutMs: TIMEOUT_MS,
    });
    assert.equal(
      report.runError,
      "collection error in tests/test_io.py: ModuleNotFoundError: No module named 'stats.io'",
    );
    assert.equal(report.tests[0]!.status, 'errored');
  });

  it('says when the test command does not exist', async () => {
    const root = await project('python-buggy');
    const report = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: pytestAdapter,
      command: 'no-such-test-tool --all',
      timeoutMs: TIMEOUT_MS,
    });
    assert.equal(report.exitCode, 127);
    assert.equal(report.runError, 'test command not found: no-such-test-tool');
  });

  it('says when the tests ran out of time', async () => {
    const root = await project('js-buggy');
    const report = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: nodeTestAdapter,
      command: 'sleep 30',
      timeoutMs: 500,
    });
    assert.equal(report.timedOut, true);
    assert.equal(report.runError, 'tests timed out after 0.5 s (process tree killed)');
  });

  it('says why a command failed before any test ran, from its last line', async () => {
    const root = await project('python-buggy');
    const command = `python3 -c "import sys; print('loading settings'); sys.exit('settings.toml: missing key [db]')"`;
    const report = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: pytestAdapter,
      command,
      timeoutMs: TIMEOUT_MS,
    });
    assert.equal(report.runError, 'test command failed (exit 1): settings.toml: missing key [db]');
  });

  it('says when the run was cancelled', async () => {
    const root = await project('js-buggy');
    const controller = new AbortController();
    controller.abort();
    const report = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: nodeTestAdapter,
      command: 'node --test',
      timeoutMs: TIMEOUT_MS,
      signal: controller.signal,
    });
    assert.equal(report.runError, 'test run cancelled');
  });

  it('keeps the caller’s NODE_OPTIONS next to its own', async () => {
    const root = await project('js-buggy');
    const report = await runTests({
      runner: new ProcessRunner(),
      root,
      adapter: nodeTestAdapter,
      command: `node -e "console.log('options: ' + process.env.NODE_OPTIONS)"`,
      timeoutMs: TIMEOUT_MS,
      env: { NODE_OPTIONS: '--no-warnings' },
    });
    assert.match(report.output, /options: --no-warnings .*--test-reporter=/);
  });
});
