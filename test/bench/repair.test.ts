import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const REPO = path.resolve(__dirname, '..', '..');
const run = promisify(execFile);
/** Ten tasks of the Python set, kept in the repository (the whole set is not). */
const SAMPLE = 'bench/repair/data/python-10.jsonl';

describe('npm run bench:repair (reference mode)', function () {
  this.timeout(600_000);

  it('repairs three Python tasks with the real engine and ends with the figures as one JSON object', async function () {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/repair/main.ts',
        '--dataset',
        SAMPLE,
        '--limit',
        '3',
        '--strategy',
        'single',
        '--json',
      ],
      { cwd: REPO, maxBuffer: 16 * 1024 * 1024 },
    );
    const lines = stdout.trim().split('\n');
    assert.match(lines[0]!, /^\| strategy \| fixed \|/, 'the table comes first');
    const figures = JSON.parse(lines.at(-1)!);
    assert.equal(figures.strategy, 'single');
    assert.equal(figures.tasks, 3);
    assert.equal(figures.fixed, 3, `not fixed: ${figures.unfixed?.join('; ')}`);
    // A wrong attempt first, the canonical fix second: every task is fixed in its second turn.
    assert.deepEqual(figures.fixedByTurn, [0, 3, 0, 0]);
    assert.equal(figures.requests, 6, 'one request per turn with one candidate');
    assert.equal(figures.turns, 6);
    assert.equal(figures.fixReplies, 3);
    assert.equal(figures.fixRepliesApplied, 3);
    assert.ok(figures.tokens > 0 && figures.tokensPerFix === Math.round(figures.tokens / 3));
    for (const key of ['overheadMsPerTurnMedian', 'harnessCpuMsPerTurnMedian', 'testMsPerTurnMedian']) {
      assert.ok(Number.isFinite(figures[key]) && figures[key] >= 0, `${key}: ${figures[key]}`);
    }
    assert.ok(figures.testMsPerTurnMedian > 0, 'the candidates ran real test processes');
  });

  it('refuses an unknown strategy in one line', async function () {
    const failed = await run(process.execPath, ['--import', 'tsx', 'bench/repair/main.ts', '--strategy', 'fast'], {
      cwd: REPO,
    }).then(
      () => assert.fail('the bench ran'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failed.code, 1);
    assert.equal(failed.stderr.trim().split('\n').length, 1);
    assert.match(failed.stderr, /--strategy must be one of all, no-attempt-memory, no-dedupe, no-staged, single/);
  });
});
