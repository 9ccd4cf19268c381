import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(__dirname, '..', '..');

interface ProblemMatcher {
  pattern: { regexp: string; message: number; file: number; line: number };
  background: { beginsPattern: string; endsPattern: string };
}

function watchMatcher(): ProblemMatcher {
  const tasks = JSON.parse(readFileSync(path.join(ROOT, '.vscode', 'tasks.json'), 'utf8')) as {
    tasks: Array<{ script?: string; isBackground?: boolean; problemMatcher: ProblemMatcher }>;
  };
  const watch = tasks.tasks.find((task) => task.script === 'watch');
  assert.ok(watch?.isBackground, 'the watch build is a background task');
  return watch.problemMatcher;
}

/**
 * The F5 build (.vscode/tasks.json) reads what esbuild.mjs prints in watch mode: the matcher is
 * run here over the real output of a watch build that fails, then is fixed.
 */
describe('the watch task reads the watch build (.vscode/tasks.json, esbuild.mjs --watch)', function () {
  // A real esbuild watch process, on a machine that may be busy.
  this.timeout(120_000);
  let dir: string;
  let watcher: ChildProcess | undefined;
  let log: string;

  /** What the build printed so far, stdout and stderr in one file, in the order written, as a terminal shows them. */
  function lines(): string[] {
    return readFileSync(log, 'utf8').split('\n');
  }

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'watch-task-'));
    await copyFile(path.join(ROOT, 'esbuild.mjs'), path.join(dir, 'esbuild.mjs'));
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    await mkdir(path.join(dir, 'src', 'extension'), { recursive: true });
    await mkdir(path.join(dir, 'src', 'cli'), { recursive: true });
    await writeFile(path.join(dir, 'src', 'cli', 'main.ts'), 'console.log("cli");\n');
    // Copied beside the bundle by every build, like the grammars: without them the build cannot end.
    for (const file of [
      'src/core/localize/trace/self_repair_trace.py',
      'src/core/testing/mocha-reporter.cjs',
      'src/core/testing/python/self_repair_unittest.py',
    ]) {
      await mkdir(path.join(dir, path.dirname(file)), { recursive: true });
      await copyFile(path.join(ROOT, file), path.join(dir, file));
    }
    log = path.join(dir, 'watch.log');
  });
  afterEach(async () => {
    if (watcher && watcher.exitCode === null) {
      const exited = once(watcher, 'exit');
      watcher.kill();
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  /** Waits until `count` lines after line `from` match, and returns the index after the last of them. */
  async function waitForLines(count: number, pattern: RegExp, from: number): Promise<number> {
    for (;;) {
      const printed = lines();
      const matching = printed.flatMap((line, i) => (i >= from && pattern.test(line) ? [i] : []));
      if (matching.length >= count) return matching[count - 1]! + 1;
      assert.ok(watcher?.exitCode === null, `the watch build stopped:\n${printed.join('\n')}`);
      await sleep(100);
    }
  }

  it('finds the error between the start and end lines, and a clean rebuild starts afresh', async () => {
    const matcher = watchMatcher();
    const problem = new RegExp(matcher.pattern.regexp);
    const begins = new RegExp(matcher.background.beginsPattern);
    const ends = new RegExp(matcher.background.endsPattern);
    const entry = path.join(dir, 'src', 'extension', 'extension.ts');
    await writeFile(entry, 'export function activate() {}\nexport const broken = ;\n');

    const fd = openSync(log, 'a');
    watcher = spawn(process.execPath, ['esbuild.mjs', '--watch'], { cwd: dir, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    // Three bundles (extension, CLI, node test reporter), so three start and three end lines in the first build.
    const firstBuild = await waitForLines(3, ends, 0);
    const first = lines().slice(0, firstBuild);
    const found = first.map((line) => problem.exec(line)).filter((m) => m !== null);
    assert.deepEqual(
      found.map((m) => ({ file: m[matcher.pattern.file], line: m[matcher.pattern.line] })),
      [{ file: 'src/extension/extension.ts', line: '2' }],
      first.join('\n'),
    );
    assert.match(found[0]![matcher.pattern.message]!, /Unexpected ";"/);
    const at = first.indexOf(found[0]!.input);
    assert.ok(
      first.slice(0, at).some((l) => begins.test(l)),
      'a start line comes before the error',
    );
    assert.ok(
      first.slice(at).some((l) => ends.test(l)),
      'an end line comes after it',
    );

    await writeFile(entry, 'export function activate() {}\n');
    const rebuilt = await waitForLines(1, /build finished with 0 error/, firstBuild);
    const second = lines().slice(firstBuild, rebuilt);
    assert.ok(begins.test(second.find((l) => l.trim()) ?? ''), second.join('\n'));
    assert.ok(second.some((l) => ends.test(l)));
    assert.equal(second.filter((l) => problem.test(l)).length, 0);
  });
});
