import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ProcessRunner } from '../../../src/core/sandbox';
import {
  cargoTestAdapter,
  findHungTest,
  runTests,
  selectAdapter,
  withPerTestTimeout,
  type TestCaseResult,
  type TestReport,
} from '../../../src/core/testing';
import { copyProject } from '../../support/projects';
import { FAKE_ROOT, loadScenario } from './scenarios';

function byId(report: TestReport, id: string): TestCaseResult {
  const found = report.tests.find((t) => t.id === id);
  assert.ok(found, `no test ${id} among ${report.tests.map((t) => t.id).join(', ')}`);
  return found;
}

function parseOutput(output: string, timedOut = false): TestReport {
  return cargoTestAdapter.parse({
    projectRoot: FAKE_ROOT,
    command: 'cargo test',
    exitCode: timedOut ? null : 101,
    timedOut,
    output,
    durationMs: 1,
  });
}

describe('cargo test adapter', () => {
  describe('commands', () => {
    for (const command of [
      'cargo test',
      'cargo t --release',
      'cargo +nightly test',
      'cargo nextest run',
      'RUST_LOG=1 cargo test -p core',
    ]) {
      it(`recognises ${command}`, () => assert.equal(cargoTestAdapter.matchesCommand(command), true));
    }
    for (const command of ['cargo build', 'cargo testing', 'cargo nextest list', 'pytest', 'node --test']) {
      it(`does not claim ${command}`, () => assert.equal(cargoTestAdapter.matchesCommand(command), false));
    }

    it('runs every test binary (--no-fail-fast) with plain output, a backtrace and no network', () => {
      const prepared = cargoTestAdapter.prepare('cargo test -- --test-threads=2', '/tmp/r');
      assert.equal(prepared.command, 'cargo test --no-fail-fast -- --test-threads=2');
      assert.equal(prepared.reportPath, undefined);
      assert.deepEqual(prepared.env, { CARGO_TERM_COLOR: 'never', RUST_BACKTRACE: '1', CARGO_NET_OFFLINE: 'true' });
      assert.equal(cargoTestAdapter.prepare('cargo test --no-fail-fast', '/r').command, 'cargo test --no-fail-fast');
    });

    it('asks nextest for a JUnit report in the report folder through a tool config file', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'cargo-nextest-'));
      try {
        const prepared = cargoTestAdapter.prepare('cargo nextest run --profile ci', dir);
        const config = path.join(dir, 'nextest-self-repair.toml');
        assert.equal(
          prepared.command,
          `cargo nextest run --tool-config-file self-repair:${config} --no-fail-fast --profile ci`,
        );
        assert.equal(prepared.reportPath, path.join(dir, 'nextest-junit.xml'));
        assert.equal(
          readFileSync(config, 'utf8'),
          `[profile.default.junit]\npath = ${JSON.stringify(prepared.reportPath)}\n`,
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('tells integration tests from sources; unit tests live in source files, which stay editable', () => {
      for (const file of ['tests/api.rs', 'tests/common/mod.rs', 'crates/core/tests/api.rs'])
        assert.equal(cargoTestAdapter.isTestFile(file), true, file);
      for (const file of ['src/lib.rs', 'src/main.rs', 'tests/data.json', 'src/testsuite.rs'])
        assert.equal(cargoTestAdapter.isTestFile(file), false, file);
    });
  });

  describe('selectTests', () => {
    const test = (id: string, name: string, file?: string): TestCaseResult => ({
      id,
      name,
      status: 'failed',
      frames: [],
      ...(file ? { file } : {}),
    });
    const unit = test('src/lib.rs::tests::mean_of_three', 'tests::mean_of_three', 'src/lib.rs');
    const integration = test('tests/api.rs::mean_of_two', 'mean_of_two', 'tests/api.rs');
    const doc = test('src/lib.rs - add (line 5)', 'src/lib.rs - add (line 5)', 'src/lib.rs');
    const select = (command: string, tests: TestCaseResult[], scope: 'tests' | 'files') =>
      cargoTestAdapter.selectTests!(command, tests, scope);

    it('names the binaries and the exact tests', () => {
      assert.equal(
        select('cargo test', [unit, integration], 'tests'),
        'cargo test --lib --test api -- --exact tests::mean_of_three mean_of_two',
      );
      assert.equal(select('cargo test', [unit, integration], 'files'), 'cargo test --lib --test api');
    });

    it("keeps the user's own test arguments and target flags", () => {
      assert.equal(
        select('cargo test --lib -- --test-threads=1', [unit], 'tests'),
        'cargo test --lib -- --test-threads=1 --exact tests::mean_of_three',
      );
      assert.equal(select('cargo test --lib', [unit], 'files'), undefined);
    });

    it('runs doc-tests with --doc, alone, quoting their names', () => {
      assert.equal(select('cargo test', [doc], 'tests'), "cargo test --doc -- --exact 'src/lib.rs - add (line 5)'");
      assert.equal(
        select('cargo test', [doc, unit], 'tests'),
        "cargo test -- --exact 'src/lib.rs - add (line 5)' tests::mean_of_three",
      );
    });

    it('gives up on commands it cannot extend safely', () => {
      assert.equal(select('cargo test && echo done', [unit], 'tests'), undefined);
      assert.equal(select('make test', [unit], 'tests'), undefined);
    });
  });

  describe('parse (recorded output)', () => {
    it('reads the panic of an older Rust: quoted message, backticked left and right, no source in Running', () => {
      const report = parseOutput(
        [
          '     Running unittests (target/debug/deps/stats-5d0e5f02f0c6e9e1)',
          '',
          'running 2 tests',
          'test tests::adds ... ok',
          'test tests::mean_of_three ... FAILED',
          '',
          'failures:',
          '',
          '---- tests::mean_of_three stdout ----',
          "thread 'tests::mean_of_three' panicked at 'assertion failed: `(left == right)`",
          '  left: `Some(3.0)`,',
          " right: `Some(2.0)`', src/lib.rs:45:9",
          'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace',
          '',
          'failures:',
          '    tests::mean_of_three',
          '',
          'test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s',
        ].join('\n'),
      );
      assert.deepEqual(
        report.tests.map((t) => `${t.id}: ${t.status}`),
        ['stats::tests::adds: passed', 'stats::tests::mean_of_three: failed'],
      );
      const failing = byId(report, 'stats::tests::mean_of_three');
      assert.equal(failing.message, 'assertion failed: `(left == right)`');
      assert.equal(failing.actual, 'Some(3.0)');
      assert.equal(failing.expected, 'Some(2.0)');
      assert.deepEqual(failing.frames, [{ file: 'src/lib.rs', line: 45, column: 9, inProject: true }]);
    });

    it('reads the JUnit report of cargo nextest: binaries to files, panics, left and right, frames', () => {
      const report = cargoTestAdapter.parse(loadScenario('nextest-stats'));
      assert.deepEqual(report.counts, { passed: 4, failed: 2, errored: 0, skipped: 0 });
      const unit = byId(report, 'src/lib.rs::tests::mean_of_three');
      assert.equal(unit.file, 'src/lib.rs');
      assert.equal(unit.message, 'assertion `left == right` failed');
      assert.deepEqual([unit.actual, unit.expected], ['Some(3.0)', 'Some(2.0)']);
      assert.deepEqual(unit.frames, [], "a unit test's own frame is not code under test");
      const integration = byId(report, 'tests/api.rs::mean_of_two');
      assert.deepEqual([integration.actual, integration.expected], ['Some(6.0)', 'Some(3.0)']);
      assert.deepEqual(integration.frames, [{ file: 'tests/api.rs', line: 10, column: 5, inProject: true }]);
    });

    it('names a test that started and never finished when the run was stopped', () => {
      const output = ['     Running unittests src/lib.rs (target/debug/deps/q-1)', '', 'running 2 tests'];
      output.push('test tests::takes_two ... ok', 'test tests::stops_when_items_run_out ... ');
      const report = parseOutput(output.join('\n'), true);
      const hung = byId(report, 'src/lib.rs::tests::stops_when_items_run_out');
      assert.equal(hung.status, 'errored');
      assert.match(hung.message!, /^hung: /);
      assert.equal(parseOutput(output.join('\n'), false).tests.length, 1, 'only a stopped run has a hung test');
    });
  });
});

describe('cargo test adapter (real cargo runs)', function () {
  // Each fixture builds once (several seconds on a busy machine); its runs share the build.
  this.timeout(240_000);
  const runner = new ProcessRunner();
  const copies: Array<{ root: string; remove: () => Promise<void> }> = [];
  after(async () => {
    for (const copy of copies) await copy.remove();
  });
  const fullRuns = new Map<string, Promise<TestReport>>();
  async function run(project: string, command = 'cargo test', timeoutMs = 200_000): Promise<TestReport> {
    let copy = copies.find((c) => path.basename(c.root) === project);
    if (!copy) copies.push((copy = await copyProject(project)));
    return runTests({ runner, root: copy.root, adapter: cargoTestAdapter, command, timeoutMs });
  }
  /** The whole suite of a fixture, run once for all the tests that read it. */
  function fullRun(project: string): Promise<TestReport> {
    if (!fullRuns.has(project)) fullRuns.set(project, run(project));
    return fullRuns.get(project)!;
  }

  it('is chosen for a project with Cargo.toml, with cargo test as its command', async () => {
    const root = path.resolve(__dirname, '../../fixtures/projects/cargo-buggy');
    const adapter = await selectAdapter(root);
    assert.equal(adapter.id, 'cargo');
    assert.equal(await adapter.defaultCommand(root), 'cargo test');
  });

  it('reads every binary of a run: unit tests of lib and main, integration tests, doc-tests', async () => {
    const report = await fullRun('cargo-scenarios');
    assert.equal(report.runError, undefined);
    assert.deepEqual(report.counts, { passed: 3, failed: 7, errored: 0, skipped: 1 });
    assert.equal(byId(report, 'src/main.rs::tests::runs').status, 'passed');
    assert.equal(byId(report, 'tests/api.rs::runs').status, 'passed');
    assert.equal(byId(report, 'src/lib.rs::tests::price_of_nothing').status, 'passed', 'should_panic');
    assert.equal(byId(report, 'src/lib.rs::tests::slow_total').status, 'skipped');

    const withMessage = byId(report, 'src/lib.rs::tests::tax_with_message');
    assert.equal(withMessage.message, 'assertion `left == right` failed: 20% of 100 cents');
    assert.deepEqual([withMessage.actual, withMessage.expected], ['Ok(120)', 'Ok(121)']);
    const list = byId(report, 'tests/api.rs::multi_line_values');
    assert.deepEqual([list.actual, list.expected], ['["a", "b"]', '["a", "c"]']);
    assert.equal(byId(report, 'src/lib.rs::tests::prints_then_fails').expected, undefined, 'assert_ne has no expected');
    assert.match(byId(report, 'src/lib.rs::tests::prints_then_fails').details!, /basket: \[5, 7\]/);
    assert.equal(byId(report, 'src/lib.rs::tests::huge_tax').message, 'Error: "tax of 150% is not a tax"');
  });

  it('maps a panic inside the code under test onto the function it happened in', async () => {
    const report = await fullRun('cargo-scenarios');
    const panic = byId(report, 'src/lib.rs::tests::price_past_the_end');
    assert.equal(panic.message, 'index out of bounds: the len is 2 but the index is 2');
    assert.deepEqual(
      panic.frames.map((f) => `${f.functionName}@${f.file}:${f.line}`),
      ['shop::price_of@src/lib.rs:9'],
    );
    const doc = byId(report, 'src/lib.rs - price_of (line 5)');
    assert.deepEqual([doc.status, doc.file, doc.line], ['failed', 'src/lib.rs', 5]);
    assert.deepEqual([doc.actual, doc.expected], ['7', '8']);
  });

  it('narrows a run to the tests asked for, and they keep their ids', async () => {
    const full = await fullRun('cargo-scenarios');
    const wanted = ['src/lib.rs::tests::tax_with_message', 'tests/api.rs::multi_line_values'].map((id) =>
      byId(full, id),
    );
    const narrowed = await run('cargo-scenarios', cargoTestAdapter.selectTests!('cargo test', wanted, 'tests')!);
    assert.deepEqual(narrowed.tests.map((t) => t.id).sort(), wanted.map((t) => t.id).sort());
  });

  it('reports a crate that does not compile as errored tests carrying rustc’s error, not as no results', async () => {
    const report = await run('cargo-compile-error');
    assert.match(
      report.runError!,
      /^the tests do not compile: error\[E0308\]: mismatched types \(src\/lib\.rs:3:24\)$/,
    );
    const [error] = report.tests;
    assert.equal(report.tests.length, 1);
    assert.deepEqual([error!.status, error!.file, error!.line], ['errored', 'src/lib.rs', 3]);
    assert.match(error!.details!, /expected `u32`, found `&str`/);
  });

  it('names the hung test when a stopped run is run again on one thread', async () => {
    // Built first, so that the time limit below is only the tests'.
    assert.equal((await run('cargo-hangs', 'cargo test --no-run')).exitCode, 0);
    const stopped = await run('cargo-hangs', 'cargo test', 8_000);
    assert.equal(stopped.timedOut, true);
    const again = withPerTestTimeout(cargoTestAdapter, 'cargo test', 2);
    assert.equal(again, 'cargo test -- --test-threads=1');
    const root = copies.find((c) => path.basename(c.root) === 'cargo-hangs')!.root;
    const hung = findHungTest(cargoTestAdapter, await run('cargo-hangs', again, 8_000), root, 2);
    assert.equal(hung?.id, 'src/lib.rs::tests::stops_when_items_run_out');
  });
});
