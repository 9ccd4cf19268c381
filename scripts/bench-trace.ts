/**
 * What the Python tracer costs: the median time of a traced pytest run against the plain run of the same
 * command, both measured in this run. By default on a generated project whose tests make many Python
 * calls (the worst case for a call tracer): 300 tests in one file, one of them failing.
 *
 *   npm run bench:trace     (BENCH_ROUNDS=3, BENCH_PROJECT=<a pytest project>, BENCH_COMMAND="python3 -m pytest")
 *
 * The last line is one JSON object: tests, plainMs, coverageMs, coverageRatio, and for one failing test
 * plainTestMs, valuesMs, valuesRatio (medians).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { tracePythonCoverage, tracePythonValues } from '../src/core/localize/trace/python';
import type { TraceRequest } from '../src/core/localize/types';
import { ProcessRunner } from '../src/core/sandbox';
import { isFailing, pytestAdapter, runTests } from '../src/core/testing';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const COMMAND = process.env.BENCH_COMMAND ?? 'python3 -m pytest';
const TESTS = 300;
const TIMEOUT_MS = 600_000;

const LIBRARY = `
def merge(left, right):
    out = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i] <= right[j]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out + left[i:] + right[j:]


def merge_sort(values):
    if len(values) <= 1:
        return list(values)
    middle = len(values) // 2
    return merge(merge_sort(values[:middle]), merge_sort(values[middle:]))


def is_prime(n):
    return n > 1 and all(n % d for d in range(2, int(n ** 0.5) + 1))


def primes_below(limit):
    return [n for n in range(limit) if is_prime(n)]
`;

function testFile(): string {
  const cases = Array.from({ length: TESTS }, (_, i) => {
    const expected = i === 0 ? '[1]' : `sorted(data)`;
    return `def test_sort_${i}():\n    data = [(x * ${i + 7}) % 101 for x in range(1000)]\n    assert merge_sort(data) == ${expected}\n    assert len(primes_below(300)) == 62\n`;
  });
  return `from lib.sorting import merge_sort, primes_below\n\n\n${cases.join('\n\n')}`;
}

async function generatedProject(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'self-repair-bench-trace-'));
  await mkdir(path.join(root, 'lib'));
  await mkdir(path.join(root, 'tests'));
  await writeFile(path.join(root, 'pytest.ini'), '[pytest]\ntestpaths = tests\npythonpath = .\n');
  await writeFile(path.join(root, 'lib', '__init__.py'), '');
  await writeFile(path.join(root, 'lib', 'sorting.py'), LIBRARY);
  await writeFile(path.join(root, 'tests', 'test_sorting.py'), testFile());
  return root;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed<T>(action: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await action();
  return [result, performance.now() - start];
}

async function main(): Promise<void> {
  const root = process.env.BENCH_PROJECT ? path.resolve(process.env.BENCH_PROJECT) : await generatedProject();
  const runner = new ProcessRunner();
  const run = (command: string) => runTests({ runner, root, adapter: pytestAdapter, command, timeoutMs: TIMEOUT_MS });
  try {
    const baseline = await run(COMMAND);
    const failing = baseline.tests.filter(isFailing);
    if (!failing.length) throw new Error(`no failing test in ${root}: the tracer needs one`);
    const req: TraceRequest = {
      runner,
      root,
      adapter: pytestAdapter,
      command: COMMAND,
      failing,
      tests: baseline.tests,
      timeoutMs: TIMEOUT_MS,
    };
    const filesCommand = pytestAdapter.selectTests!(COMMAND, failing, 'files') ?? COMMAND;
    const testCommand = pytestAdapter.selectTests!(COMMAND, [failing[0]!], 'tests') ?? COMMAND;
    const rows = { plain: [] as number[], coverage: [] as number[], plainTest: [] as number[], values: [] as number[] };
    let functions = 0;
    for (let round = 0; round < ROUNDS; round++) {
      rows.plain.push((await timed(() => run(filesCommand)))[1]);
      const [spectrum, coverageMs] = await timed(() => tracePythonCoverage(req));
      if (!spectrum) throw new Error('the coverage tracer gave nothing');
      rows.coverage.push(coverageMs);
      functions = spectrum.functions.length;
      const top = spectrum.functions[0]!;
      rows.plainTest.push((await timed(() => run(testCommand)))[1]);
      rows.values.push((await timed(() => tracePythonValues(req, top, failing[0]!)))[1]);
      console.log(
        `round ${round + 1}: plain ${ms(rows.plain)} coverage ${ms(rows.coverage)} one test ${ms(rows.plainTest)} values ${ms(rows.values)}`,
      );
    }
    const [plainMs, coverageMs, plainTestMs, valuesMs] = [rows.plain, rows.coverage, rows.plainTest, rows.values].map(
      median,
    );
    console.log(
      JSON.stringify({
        tests: baseline.tests.length,
        functions,
        plainMs: Math.round(plainMs!),
        coverageMs: Math.round(coverageMs!),
        coverageRatio: round2(coverageMs! / plainMs!),
        plainTestMs: Math.round(plainTestMs!),
        valuesMs: Math.round(valuesMs!),
        valuesRatio: round2(valuesMs! / plainTestMs!),
      }),
    );
  } finally {
    if (!process.env.BENCH_PROJECT) await rm(root, { recursive: true, force: true });
  }
}

function ms(values: number[]): string {
  return `${Math.round(values.at(-1)!)} ms`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
