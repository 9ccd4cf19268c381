/**
 * The benchmark's project: a pytest suite of a few hundred tests over a small package, every test
 * costing a little time (as real tests do), and one bug in a function only a few tests reach. Built
 * in the temporary folder, deterministic, removed by the caller.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface BenchProjectOptions {
  /** Tests over the hot path (the bug is not in it); three more exercise the buggy function. */
  hotTests: number;
  /** What each test costs besides its assertion, in ms. */
  testMs: number;
}

/** The test the bug fails. */
export const FAILING_TEST = 'tests/test_rare.py::test_clamp_above';

const HOT_MODULE = `"""Arithmetic the whole suite leans on."""


def add(a, b):
    return a + b


def scale(xs, k):
    return [x * k for x in xs]


def total(xs):
    return sum(xs)
`;

/** The bug: a value above the range comes back as the low end. */
const RARE_MODULE = `"""Helpers few callers need."""


def clamp(x, lo, hi):
    """x pulled into [lo, hi]."""
    if x < lo:
        return lo
    if x > hi:
        return lo
    return x
`;

const TESTS_PER_FILE = 30;

function hotTest(i: number): string {
  const kind = i % 3;
  const body =
    kind === 0
      ? `assert add(${i}, 1) == ${i + 1}`
      : kind === 1
        ? `assert scale([1, 2], ${i}) == [${i}, ${2 * i}]`
        : `assert total([${i}, 2, 3]) == ${i + 5}`;
  return `def test_hot_${i}():\n    pause()\n    ${body}\n`;
}

function header(imports: string, testMs: number): string {
  return `import time\n\n${imports}\n\n\ndef pause():\n    time.sleep(${testMs / 1000})\n\n\n`;
}

/** Writes the project into a fresh temporary folder and returns its path. */
export async function buildBenchProject(options: BenchProjectOptions): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'self-repair-bench-staged-'));
  await mkdir(path.join(root, 'calc'));
  await mkdir(path.join(root, 'tests'));
  await writeFile(path.join(root, 'pytest.ini'), '[pytest]\ntestpaths = tests\n');
  await writeFile(path.join(root, 'calc', '__init__.py'), '');
  await writeFile(path.join(root, 'calc', 'hot.py'), HOT_MODULE);
  await writeFile(path.join(root, 'calc', 'rare.py'), RARE_MODULE);
  const files = Math.ceil(options.hotTests / TESTS_PER_FILE);
  for (let f = 0; f < files; f++) {
    const tests = [];
    for (let i = f * TESTS_PER_FILE; i < Math.min(options.hotTests, (f + 1) * TESTS_PER_FILE); i++)
      tests.push(hotTest(i));
    const text = header('from calc.hot import add, scale, total', options.testMs) + tests.join('\n\n');
    await writeFile(path.join(root, 'tests', `test_hot_${f}.py`), text);
  }
  const rare = [
    'def test_clamp_below():\n    pause()\n    assert clamp(-5, 0, 10) == 0\n',
    'def test_clamp_inside():\n    pause()\n    assert clamp(5, 0, 10) == 5\n',
    'def test_clamp_above():\n    pause()\n    assert clamp(15, 0, 10) == 10\n',
  ];
  await writeFile(
    path.join(root, 'tests', 'test_rare.py'),
    header('from calc.rare import clamp', options.testMs) + rare.join('\n\n'),
  );
  return root;
}

function fix(explanation: string, replacement: string): string {
  return [
    '## Explanation',
    explanation,
    '',
    '## Fix',
    'calc/rare.py',
    '<<<<<<< SEARCH',
    '    if x > hi:',
    '        return lo',
    '=======',
    replacement,
    '>>>>>>> REPLACE',
    '',
  ].join('\n');
}

/** The scripted model: two wrong fixes (each still fails the test), then the right one. */
export const BENCH_REPLIES: readonly string[] = [
  fix('A value above the range should land just inside it.', '    if x > hi:\n        return hi - 1'),
  fix('A value above the range should be kept as it is.', '    if x > hi:\n        return x'),
  fix('A value above the range must come back as the high end, not the low one.', '    if x > hi:\n        return hi'),
];
