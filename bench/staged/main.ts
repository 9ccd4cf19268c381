/**
 * `npm run bench:staged`: staged against full verification on a generated pytest project (see run.ts).
 *
 *   npm run bench:staged [-- --json]     (BENCH_ROUNDS=1, BENCH_TESTS=300, BENCH_TEST_MS=10)
 *
 * Prints a table, then one JSON object as the last line; with --json, only that line.
 */
import { runStagedBench, stagedTable } from './run';

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const result = await runStagedBench({
    rounds: Number(process.env.BENCH_ROUNDS ?? 1),
    hotTests: Number(process.env.BENCH_TESTS ?? 300) - 3,
    testMs: Number(process.env.BENCH_TEST_MS ?? 10),
  });
  if (!json) console.log(stagedTable(result));
  console.log(JSON.stringify(result));
}

main().catch((error: unknown) => {
  console.error(`bench:staged failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
