import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setUpProject } from '../../../src/core/repair';
import { nameHungTest } from '../../../src/core/repair/hung';
import { ProcessRunner } from '../../../src/core/sandbox';
import {
  goTestAdapter,
  runTests,
  withPerTestTimeout,
  type TestCaseResult,
  type TestReport,
} from '../../../src/core/testing';
import { copyProject } from '../../support/projects';

function goVersion(): string | undefined {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

const NO_GO = 'go is not installed (npm run setup:frameworks installs Debian’s golang-go)';
const MEAN = 'example.com/gobuggy/stats::TestMean';

describe('go test adapter', () => {
  describe('commands and files', () => {
    it('adds -json, a per-run build cache and, for a plain command, a report file with the module folder', () => {
      const prepared = goTestAdapter.prepare('go test ./...', '/tmp/r');
      assert.equal(
        prepared.command,
        `{ go list -m -f 'module {{.Path}} {{.Dir}}' 2>/dev/null; go test -json ./...; } > /tmp/r/go-test.jsonl`,
      );
      assert.equal(prepared.reportPath, '/tmp/r/go-test.jsonl');
      assert.deepEqual(prepared.env, { GOCACHE: '/tmp/r/gocache' });
      const compound = goTestAdapter.prepare('cd sub && go test -v ./...', '/tmp/r');
      assert.equal(compound.command, 'cd sub && go test -json -v ./...');
      assert.equal(compound.reportPath, undefined);
      assert.equal(goTestAdapter.prepare('go test -json ./...', '/tmp/r').command.match(/-json/g)?.length, 1);
      assert.deepEqual(goTestAdapter.prepare('make test', '/tmp/r'), { command: 'make test' });
    });

    it('takes a per-test limit as go test -timeout, for naming a hung test', () => {
      assert.equal(withPerTestTimeout(goTestAdapter, 'go test ./...', 5), 'go test -timeout=5s ./...');
    });

    it('knows its commands and test files', () => {
      assert.ok(goTestAdapter.matchesCommand('go test ./...'));
      assert.ok(goTestAdapter.matchesCommand('/usr/local/go/bin/go test -race .'));
      assert.ok(!goTestAdapter.matchesCommand('go vet ./...'));
      assert.ok(!goTestAdapter.matchesCommand('cargo test'));
      assert.ok(goTestAdapter.isTestFile('stats/stats_test.go'));
      assert.ok(!goTestAdapter.isTestFile('stats/stats.go'));
    });

    it('narrows to top-level test names with -run, and leaves a command with its own -run alone', () => {
      const tests = [{ name: 'TestMedian/odd' }, { name: 'TestMean' }, { name: 'TestMedian/even' }] as TestCaseResult[];
      assert.equal(
        goTestAdapter.selectTests!('go test ./...', tests, 'tests'),
        `go test -run '^(TestMedian|TestMean)$' ./...`,
      );
      assert.equal(goTestAdapter.selectTests!('go test -run TestX ./...', tests, 'tests'), undefined);
      assert.equal(goTestAdapter.selectTests!('go test ./...', tests, 'files'), undefined);
      assert.equal(goTestAdapter.selectTests!('go test ./... | tee log', tests, 'tests'), undefined);
    });
  });

  describe('real go test runs', function () {
    this.timeout(180_000);
    const cleanups: Array<() => Promise<void>> = [];
    before(function () {
      if (!goVersion()) {
        console.log(`      (skipped: ${NO_GO})`);
        this.skip();
      }
    });
    afterEach(async () => {
      while (cleanups.length) await cleanups.pop()!();
    });
    async function run(project: string, command = 'go test ./...', edit?: (root: string) => Promise<void>) {
      const copy = await copyProject(project);
      cleanups.push(copy.remove);
      await edit?.(copy.root);
      const report = await runTests({
        runner: new ProcessRunner(),
        root: copy.root,
        adapter: goTestAdapter,
        command,
        timeoutMs: 120_000,
      });
      return { report, root: copy.root };
    }
    const byId = (report: TestReport, id: string) => report.tests.find((t) => t.id === id);

    it('reads a failing test, its passing neighbours and table-driven subtests', async () => {
      const { report, root } = await run('go-buggy');
      assert.ok(!existsSync(path.join(root, 'gocache')), 'the build cache lives in the report folder');
      assert.equal(report.framework, 'go-test');
      assert.equal(report.exitCode, 1);
      assert.equal(report.runError, undefined);
      assert.deepEqual(report.counts, { passed: 5, failed: 1, errored: 0, skipped: 0 });
      const mean = byId(report, MEAN)!;
      assert.equal(mean.status, 'failed');
      assert.equal(mean.name, 'TestMean');
      assert.equal(mean.file, 'stats/stats_test.go');
      assert.equal(mean.line, 7);
      assert.equal(mean.message, 'stats_test.go:7: Mean([1 2 3]) = 3, want 2');
      assert.equal(mean.actual, '3');
      assert.equal(mean.expected, '2');
      assert.deepEqual(mean.frames, [{ file: 'stats/stats_test.go', line: 7, inProject: true }]);
      assert.equal(byId(report, 'example.com/gobuggy/stats::TestMedian/even')?.status, 'passed');
      assert.match(report.output, /--- FAIL: TestMean/);
      assert.doesNotMatch(report.output, /"Action"/, 'the output reads as go test -v prints it');
    });

    it('runs only the selected tests', async () => {
      const command = goTestAdapter.selectTests!('go test ./...', [{ name: 'TestMean' }] as TestCaseResult[], 'tests')!;
      const { report } = await run('go-buggy', command);
      assert.deepEqual(
        report.tests.map((t) => t.id),
        [MEAN],
      );
    });

    it('reads a command it could only add -json to, with the module from go.mod', async () => {
      const { report } = await run('go-buggy', 'cd . && go test ./...');
      assert.deepEqual(report.counts, { passed: 5, failed: 1, errored: 0, skipped: 0 });
      assert.equal(byId(report, MEAN)?.file, 'stats/stats_test.go');
    });

    it('turns a panic into a failure with the frames in project files, outermost first', async () => {
      const { report } = await run('go-panics');
      assert.deepEqual(report.counts, { passed: 2, failed: 1, errored: 0, skipped: 0 });
      const empty = byId(report, 'example.com/gopanics/queue::TestPeekEmpty')!;
      assert.match(empty.message!, /^panic: runtime error: index out of range \[0\] with length 0/);
      const inProject = empty.frames.filter((f) => f.inProject);
      assert.deepEqual(
        inProject.map((f) => [f.file, f.line, f.functionName]),
        [
          ['queue/queue_test.go', 25, 'example.com/gopanics/queue.TestPeekEmpty'],
          ['queue/queue.go', 24, 'example.com/gopanics/queue.(*Queue).Peek'],
        ],
      );
    });

    it('reports a package that does not build as an errored test at the compiler’s line', async () => {
      const { report } = await run('go-panics', 'go test ./...', (root) =>
        writeFile(path.join(root, 'queue', 'broken.go'), 'package queue\n\nfunc broken() int {\n\treturn missing\n}\n'),
      );
      assert.deepEqual(report.counts, { passed: 0, failed: 0, errored: 1, skipped: 0 });
      const [build] = report.tests;
      assert.equal(build!.id, 'example.com/gopanics/queue');
      assert.equal(build!.file, 'queue/broken.go');
      assert.equal(build!.line, 4);
      assert.match(build!.message!, /^build failed: queue\/broken\.go:4:9: undefined: missing$/);
      assert.match(report.runError!, /^build failed: queue\/broken\.go:4:9: undefined: missing/);
    });

    it('names the hung test of a killed run and where it was stuck', async () => {
      const copy = await copyProject('go-hangs');
      cleanups.push(copy.remove);
      const project = await setUpProject(copy.root);
      cleanups.push(() => project.sandbox.dispose());
      assert.equal(project.adapter.id, 'go-test');
      // 10 s per test: room for the build of a cold cache on a busy machine.
      const hung = await nameHungTest(project, { timeoutMs: 60_000 });
      assert.equal(hung?.id, 'example.com/gohangs/countdown::TestStepsFromThree');
      assert.equal(hung?.message, 'hung: did not finish within 10 s');
      assert.ok(hung?.frames.some((f) => f.file === 'countdown/countdown_test.go' && f.inProject));
    });
  });
});
