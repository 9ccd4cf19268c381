import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { traceV8Coverage, v8TraceApplies } from '../../../../src/core/localize/trace/v8';
import type { CoverageSpectrum, ExecutedFunction, TraceRequest } from '../../../../src/core/localize/types';
import {
  copyPrefix,
  createSandbox,
  ProcessRunner,
  selectIsolation,
  type CommandRunner,
  type RunRequest,
  type RunResult,
} from '../../../../src/core/sandbox';
import { isFailing, nodeTestAdapter, pytestAdapter, runTests } from '../../../../src/core/testing';
import { copyProject } from '../../../support/projects';
import { requireBwrap } from '../../sandbox/isolation/backends';

const TIMEOUT_MS = 60_000;
const FAILING_ID = 'test/orders.test.js > order total multiplies price by quantity';

/** The real runner, remembering what it was asked to run. */
class RecordingRunner implements CommandRunner {
  readonly name = 'recording';
  readonly requests: RunRequest[] = [];
  constructor(private readonly inner: CommandRunner = new ProcessRunner()) {}
  run(request: RunRequest): Promise<RunResult> {
    this.requests.push(request);
    return this.inner.run(request);
  }
}

/** A trace request as the repair makes it: the failing and all tests from a real baseline run. */
async function requestFor(root: string, command: string, runner: CommandRunner): Promise<TraceRequest> {
  const baseline = await runTests({
    runner: new ProcessRunner(),
    root,
    adapter: nodeTestAdapter,
    command,
    timeoutMs: TIMEOUT_MS,
  });
  const failing = baseline.tests.filter(isFailing);
  assert.ok(failing.length > 0, `the baseline has a failure: ${baseline.output}`);
  return { runner, root, adapter: nodeTestAdapter, command, failing, tests: baseline.tests, timeoutMs: TIMEOUT_MS };
}

function find(spectrum: CoverageSpectrum | undefined, name: string): ExecutedFunction | undefined {
  return spectrum?.functions.find((fn) => fn.name === name);
}

/** The project's dependency, installed as a user's would be: never committed with the fixture. */
async function installCents(root: string): Promise<void> {
  const dir = path.join(root, 'node_modules', 'cents');
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'index.js'),
    'exports.toCents = function toCents(euros) { return Math.round(euros * 100); };\n',
  );
}

function assertOnlyProjectSource(spectrum: CoverageSpectrum): void {
  for (const fn of spectrum.functions) {
    assert.ok(!fn.file.startsWith('test/'), `a test file is listed: ${JSON.stringify(fn)}`);
    assert.ok(!fn.file.includes('node_modules'), `a dependency is listed: ${JSON.stringify(fn)}`);
  }
}

/** What a narrowed trace of the orders project must show, whatever runner ran it. */
function assertOrdersSpectrum(spectrum: CoverageSpectrum | undefined): void {
  assert.ok(spectrum, 'a spectrum');
  assert.equal(spectrum.source, 'v8');
  assert.deepEqual(find(spectrum, 'lineTotal'), {
    file: 'src/orders.js',
    name: 'lineTotal',
    line: 7,
    failingTests: [FAILING_ID],
    passingTests: 0,
  });
  const orderTotal = find(spectrum, 'orderTotal');
  assert.deepEqual([orderTotal?.file, orderTotal?.line, orderTotal?.failingTests], ['src/orders.js', 12, [FAILING_ID]]);
  assert.ok(orderTotal!.passingTests > 0, 'the empty order, a passing neighbour, runs orderTotal too');
  assert.equal(find(spectrum, 'applyCoupon'), undefined, 'only a passing neighbour calls applyCoupon');
  assert.equal(find(spectrum, 'formatPrice'), undefined, 'only the other test file calls formatPrice');
  assert.deepEqual([spectrum.failingTraced, spectrum.passingTraced], [1, 2]);
  assertOnlyProjectSource(spectrum);
}

describe('traceV8Coverage (real node --test runs)', function () {
  this.timeout(120_000);
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
    const left = (await readdir(os.tmpdir())).filter((name) => name.startsWith(`${copyPrefix()}v8-`));
    assert.deepEqual(left, [], 'coverage folders are removed');
  });
  async function project(name: string): Promise<string> {
    const copy = await copyProject(name);
    cleanups.push(copy.remove);
    return copy.root;
  }

  it('applies to the node-based frameworks only', () => {
    const request = (adapter: TraceRequest['adapter']) => ({ adapter }) as TraceRequest;
    assert.equal(v8TraceApplies(request(nodeTestAdapter)), true);
    assert.equal(v8TraceApplies(request({ ...nodeTestAdapter, id: 'jest' })), true);
    assert.equal(v8TraceApplies(request(pytestAdapter)), false);
  });

  it('lists the functions the failing test ran, with the passing neighbours counted in a second narrowed run', async () => {
    const root = await project('v8-trace-node');
    await installCents(root);
    const runner = new RecordingRunner();
    const spectrum = await traceV8Coverage(await requestFor(root, 'node --test', runner));

    assertOrdersSpectrum(spectrum);
    assert.equal(runner.requests.length, 2);
    const [first, second] = runner.requests.map((r) => r.command);
    assert.match(first!, /--test-name-pattern=\^\(\?:order total multiplies price by quantity\)\$/);
    assert.match(second!, /an empty order costs nothing\|a coupon takes its percentage off/);
    for (const request of runner.requests) {
      const dir = request.env?.NODE_V8_COVERAGE;
      assert.ok(dir && request.writable?.includes(dir), 'the coverage folder is writable to the run');
      assert.ok(!dir.startsWith(root), 'and lies outside the copy');
    }
  });

  it('finds the project through a symlinked root (node reports real paths)', async () => {
    const root = await project('v8-trace-node');
    await installCents(root);
    const linked = path.join(path.dirname(root), 'linked');
    await symlink(root, linked);
    const spectrum = await traceV8Coverage(await requestFor(linked, 'node --test', new ProcessRunner()));
    assert.equal(find(spectrum, 'lineTotal')?.line, 7);
  });

  it('traces the whole suite once when the command cannot be narrowed (npm test)', async () => {
    const root = await project('v8-trace-node');
    await installCents(root);
    const runner = new RecordingRunner();
    const spectrum = await traceV8Coverage(await requestFor(root, 'npm test', runner));

    assert.equal(runner.requests.length, 1, 'no second run: the passing tests ran in the first');
    assert.deepEqual(find(spectrum, 'lineTotal')?.failingTests, [FAILING_ID]);
    // Another file's process only passed: its functions are not the failure's. (applyCoupon ran in the
    // failing test's own process, so a whole run cannot tell it apart: the narrowed runs above can.)
    assert.equal(find(spectrum, 'formatPrice'), undefined);
    assert.equal(spectrum!.passingTraced, 1);
    assertOnlyProjectSource(spectrum!);
  });

  it('reports compiled code at its TypeScript source through the inline source map', async () => {
    const root = await project('v8-trace-sourcemap');
    const spectrum = await traceV8Coverage(await requestFor(root, 'node --test', new ProcessRunner()));

    assert.ok(spectrum);
    assert.deepEqual(
      spectrum.functions.map((fn) => [fn.file, fn.name, fn.line]),
      [['src/price.ts', 'lineTotal', 12]],
    );
    assert.deepEqual(spectrum.functions[0]!.failingTests, ['test/price.test.js > ten units get a tenth off']);
    assert.equal(spectrum.functions[0]!.passingTests, 1);
  });

  it('reports TypeScript run through tsx (which registers its maps) at its own lines, methods by their names', async () => {
    const root = await project('v8-trace-tsx');
    // Installed as a user's would be; a link out of the copy, as a sandbox copy's dependencies are.
    await mkdir(path.join(root, 'node_modules'));
    await symlink(path.resolve(__dirname, '../../../../node_modules/tsx'), path.join(root, 'node_modules', 'tsx'));
    const command = 'node --import tsx --test test/cart.test.ts';
    const spectrum = await traceV8Coverage(await requestFor(root, command, new ProcessRunner()));

    const failing = ['test/cart.test.ts > the total counts every unit'];
    assert.deepEqual(find(spectrum, 'total'), {
      file: 'src/cart.ts',
      name: 'total',
      line: 18,
      failingTests: failing,
      passingTests: 0,
    });
    assert.deepEqual(find(spectrum, 'add'), {
      file: 'src/cart.ts',
      name: 'add',
      line: 12,
      failingTests: failing,
      passingTests: 1,
    });
    // Nothing else: not describe or units (only the passing test runs them), nor the getters tsx's output
    // adds for each export, which map to no function of the source.
    assert.deepEqual(
      spectrum!.functions.map((fn) => fn.name),
      ['add', 'total'],
    );
  });

  it('gives up quietly on a test that hangs, within the timeout', async () => {
    const root = await project('node-hangs');
    const hanging = {
      id: 'test/queue.test.js > waits for all the items',
      name: 'waits for all the items',
      file: 'test/queue.test.js',
      status: 'failed' as const,
      frames: [],
    };
    const spectrum = await traceV8Coverage({
      runner: new ProcessRunner(),
      root,
      adapter: nodeTestAdapter,
      command: 'node --test',
      failing: [hanging],
      tests: [hanging],
      timeoutMs: 3_000,
    });
    assert.equal(spectrum, undefined);
  });

  it('reads an overlay copy, whose root is empty outside its namespace, through the sandbox', async function () {
    const root = await project('v8-trace-node');
    await installCents(root);
    const sandbox = await createSandbox(root, { view: 'overlay' }).catch((error: Error) => error);
    // Overlays need user namespaces and overlayfs; the copy and reflink kinds are read like any folder.
    if (sandbox instanceof Error) this.skip();
    cleanups.push(() => sandbox.dispose());
    const request = await requestFor(sandbox.root, 'node --test', new ProcessRunner());
    assert.equal(await traceV8Coverage(request), undefined, 'without the sandbox to read it, no file is seen');
    const spectrum = await traceV8Coverage({ ...request, readFile: (rel) => sandbox.readFile(rel) });
    assertOrdersSpectrum(spectrum);
  });

  it('works the same under bubblewrap, whose private /tmp would hide the coverage folder', async function () {
    await requireBwrap(this);
    const root = await project('v8-trace-node');
    await installCents(root);
    const isolation = await selectIsolation({ mode: 'strict', network: false, projectRoot: root });
    assert.equal(isolation.kind, 'bwrap');
    const spectrum = await traceV8Coverage(await requestFor(root, 'node --test', isolation.runner));
    assertOrdersSpectrum(spectrum);
  });
});

describe('traceV8Coverage on a run that left no usable coverage', () => {
  it('is undefined when the failing tests are unknown or the command does not run', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'v8-empty-'));
    try {
      const base = { runner: new ProcessRunner(), root, adapter: nodeTestAdapter, tests: [], timeoutMs: TIMEOUT_MS };
      assert.equal(await traceV8Coverage({ ...base, command: 'node --test', failing: [] }), undefined);
      const failing = [{ id: 'a > b', name: 'b', file: 'a', status: 'failed' as const, frames: [] }];
      assert.equal(await traceV8Coverage({ ...base, command: 'no-such-command-xyz', failing }), undefined);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
