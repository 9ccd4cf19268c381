import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { nodeTestAdapter } from '../../../src/core/testing';
import { reporterUrl } from '../../../src/core/testing/node-test';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE = path.join(ROOT, 'src', 'core', 'testing', 'node-test-reporter.mjs');
const BUNDLED = path.join(ROOT, 'dist', 'node-test-reporter.mjs');
const DATA_URL = 'data:text/javascript,';

const TEST_FILE = `import test from 'node:test';
import assert from 'node:assert/strict';
test('adds', () => assert.equal(1 + 1, 2));
test('totals', () => assert.deepEqual({ total: 7 }, { total: 11 }));
`;

describe('the node --test reporter', () => {
  it('is handed to node as the text of its own source file when the engine runs from source', () => {
    const url = reporterUrl();
    assert.ok(url.startsWith(DATA_URL));
    assert.equal(decodeURIComponent(url.slice(DATA_URL.length)), readFileSync(SOURCE, 'utf8'));
  });

  describe('as bundled beside dist/cli.js and dist/extension.js', function () {
    this.timeout(120_000);

    before(async () => {
      if (!existsSync(BUNDLED)) await run('node', ['esbuild.mjs'], { cwd: ROOT });
    });

    it('works in a test process on its own, giving files, lines and operands', async () => {
      const project = await mkdtemp(path.join(os.tmpdir(), 'self-repair-reporter-'));
      try {
        await writeFile(path.join(project, 'sum.test.mjs'), TEST_FILE);
        const url = `${DATA_URL}${encodeURIComponent(await readFile(BUNDLED, 'utf8'))}`;
        const reportPath = path.join(project, 'report.jsonl');
        const args = ['--test', `--test-reporter=${url}`, `--test-reporter-destination=${reportPath}`, 'sum.test.mjs'];
        const exitCode = await run('node', args, { cwd: project }).then(
          () => 0,
          (error: { code: number }) => error.code,
        );
        const report = nodeTestAdapter.parse({
          projectRoot: project,
          command: 'node --test',
          exitCode,
          timedOut: false,
          output: '',
          durationMs: 0,
          report: await readFile(reportPath, 'utf8'),
        });
        const outcomes = report.tests.map((t) => [t.id, t.status, t.line]);
        assert.deepEqual(outcomes, [
          ['sum.test.mjs > adds', 'passed', 3],
          ['sum.test.mjs > totals', 'failed', 4],
        ]);
        assert.equal(report.tests[1]!.expected, '{ total: 11 }');
        assert.equal(report.tests[1]!.actual, '{ total: 7 }');
      } finally {
        await rm(project, { recursive: true, force: true });
      }
    });

    it('ships in the .vsix', async () => {
      const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
      const { stdout } = await run('node', [vsce, 'ls', '--no-dependencies'], { cwd: ROOT });
      const files = stdout.split('\n');
      assert.ok(files.includes('dist/node-test-reporter.mjs'), `vsce would package: ${files.join(', ')}`);
    });
  });
});
