import { strict as assert } from 'node:assert';
import * as os from 'node:os';
import * as path from 'node:path';
import { createSandbox, selectIsolation, type CommandRunner } from '../../../../src/core/sandbox';
import {
  nodeTestAdapter,
  pytestAdapter,
  runTests,
  type FrameworkAdapter,
  type TestReport,
} from '../../../../src/core/testing';
import { copyProject } from '../../../support/projects';
import { requireBwrap } from './backends';

/** What a repair reads from a run: every test's id and status, and whether the run itself failed. */
function outcome(report: TestReport) {
  return {
    tests: report.tests.map((t) => `${t.id} ${t.status}`).sort(),
    runError: report.runError,
    timedOut: report.timedOut,
  };
}

async function run(runner: CommandRunner, projectRoot: string, adapter: FrameworkAdapter, command: string) {
  const sandbox = await createSandbox(projectRoot);
  try {
    return outcome(await runTests({ runner, root: sandbox.root, adapter, command, timeoutMs: 90_000 }));
  } finally {
    await sandbox.dispose();
  }
}

describe('toolchains under bubblewrap: the same results as without a sandbox', function () {
  this.timeout(180_000);

  const cases: [string, FrameworkAdapter, string, string][] = [
    ['python-buggy', pytestAdapter, 'python3 -m pytest', 'the Python of ~/.pyenv, its caches read-only'],
    ['js-buggy', nodeTestAdapter, 'node --test', 'with our reporter writing to a folder outside the copy'],
  ];
  for (const [name, adapter, command, note] of cases) {
    it(`${name}: \`${command}\` passes and fails the same tests (${note})`, async function () {
      await requireBwrap(this);
      // Under the temp folder, as a user's project may be: the private /tmp must not hide it from the copy's links.
      const project = await copyProject(name);
      try {
        const projectRoot = path.resolve(project.root);
        const sandboxed = await selectIsolation({ mode: 'strict', network: false, projectRoot });
        const plain = await selectIsolation({ mode: 'off', network: false, projectRoot });
        const inside = await run(sandboxed.runner, projectRoot, adapter, command);
        const outside = await run(plain.runner, projectRoot, adapter, command);
        assert.ok(inside.tests.length >= 3, `the report was read: ${JSON.stringify(inside)}`);
        assert.ok(inside.tests.some((t) => t.endsWith(' failed')) && inside.tests.some((t) => t.endsWith(' passed')));
        assert.deepEqual(inside, outside);
      } finally {
        await project.remove();
      }
    });
  }

  it('pytest whose cache folder is read-only (in $HOME) only warns: same exit status, same counts', async function () {
    await requireBwrap(this);
    const project = await copyProject('python-buggy');
    const sandbox = await createSandbox(project.root);
    try {
      const isolation = await selectIsolation({ mode: 'strict', network: false, projectRoot: project.root });
      const cacheDir = path.join(os.homedir(), '.cache', 'self-repair-pytest-probe');
      const result = await isolation.runner.run({
        command: `python3 -m pytest -q -o cache_dir=${cacheDir}`,
        cwd: sandbox.root,
        timeoutMs: 90_000,
      });
      assert.equal(result.exitCode, 1, result.output);
      assert.match(result.output, /1 failed, 3 passed/);
      assert.match(result.output, /PytestCacheWarning/);
    } finally {
      await sandbox.dispose();
      await project.remove();
    }
  });
});
