/**
 * How far a running test command has got: tests done so far, counted from what the framework prints
 * while it runs (or, for go test, from the events it writes to its report file). A framework whose
 * output cannot be counted reports elapsed time only.
 */

/** A running test command's progress. */
export interface TestProgress {
  elapsedMs: number;
  /** Tests finished so far, when the framework's output lets them be counted. */
  done?: number;
}

/** The text seen so far of a run: its console output, and the report file when it grows during the run. */
export interface RunSoFar {
  output: string;
  report?: string;
}

type Counter = (run: RunSoFar) => number;

/** pytest's progress characters: passed, failed, error, skipped, xfail, xpass. */
const PYTEST_DOTS = /^(?:\S+\.py\s+)?([.FEsxX]+)(?:\s+\[\s*\d+%\])?\s*$/;
/** `tests/test_x.py::test_a PASSED [ 10%]` with -v. */
const PYTEST_VERBOSE = /^\S+::\S.*\s(?:PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)(?:\s|$)/;
/** The first section after the progress: summaries repeat names and may hold any text. */
const PYTEST_SECTION = /^={3,} .*={3,}$|^_{3,} /;

function countPytest({ output }: RunSoFar): number {
  let done = 0;
  for (const line of output.split('\n')) {
    if (PYTEST_SECTION.test(line) && !/test session starts/.test(line)) break;
    const dots = PYTEST_DOTS.exec(line);
    if (dots) done += dots[1]!.length;
    else if (PYTEST_VERBOSE.test(line)) done++;
  }
  return done;
}

/** unittest: dots as pytest's (and `u` for an unexpected success), or `... ok` lines with -v. */
function countUnittest({ output }: RunSoFar): number {
  let done = 0;
  for (const line of output.split('\n')) {
    if (/^={10,}$|^-{10,}$/.test(line)) break;
    if (/^[.FEsxu]+$/.test(line)) done += line.length;
    else if (/ \.\.\. (?:ok|FAIL|ERROR|skipped|expected failure|unexpected success)/.test(line)) done++;
  }
  return done;
}

/** node's spec reporter: `✔ name (1.2ms)`, `✖ name (3ms)`, `﹣ name (0ms) # SKIP`, until its failure summary. */
function countNodeTest({ output }: RunSoFar): number {
  const end = output.search(/^✖ failing tests:/m);
  const lines = (end < 0 ? output : output.slice(0, end)).match(/^\s*[✔✖﹣] .*\(\d[\d.]*m?s\)/gm);
  return lines?.length ?? 0;
}

/** mocha's spec reporter: `✔ title`, `1) title`, `- title` (pending), until `N passing`. */
function countMocha({ output }: RunSoFar): number {
  const end = output.search(/^\s+\d+ passing/m);
  const lines = (end < 0 ? output : output.slice(0, end)).match(/^\s+(?:[✔✓]|\d+\)|-) \S/gm);
  return lines?.length ?? 0;
}

/** libtest: `test tests::adds ... ok`. */
function countCargo({ output }: RunSoFar): number {
  return output.match(/^test .+ \.\.\. (?:ok|FAILED|ignored)/gm)?.length ?? 0;
}

/** go test -json: an event that ends a test (subtests count too). */
function countGo({ report = '', output }: RunSoFar): number {
  return `${report}\n${output}`.match(/"Action":"(?:pass|fail|skip)"[^\n]*"Test":/g)?.length ?? 0;
}

/** vitest's default reporter: `✓ test/a.test.ts (3 tests) 5ms` as each file finishes. */
function countVitest({ output }: RunSoFar): number {
  let done = 0;
  for (const match of output.matchAll(/^\s*[✓❯×↓] \S+ \((\d+) tests?/gm)) done += Number(match[1]);
  return done;
}

const COUNTERS: Record<string, Counter> = {
  pytest: countPytest,
  unittest: countUnittest,
  'node-test': countNodeTest,
  mocha: countMocha,
  cargo: countCargo,
  'go-test': countGo,
  vitest: countVitest,
};

/** Tests done so far in a run of the framework `adapterId`; undefined when its output cannot be counted. */
export function testsDoneSoFar(adapterId: string, run: RunSoFar): number | undefined {
  return COUNTERS[adapterId]?.(run);
}

/** Whether the framework's output lets tests be counted while it runs. */
export function countsTestsDone(adapterId: string): boolean {
  return adapterId in COUNTERS;
}

/** Frameworks counted from the report file their command writes as it goes, not from the console. */
export function countsFromReport(adapterId: string): boolean {
  return adapterId === 'go-test';
}

/** How often a running test command reports its progress. */
export const PROGRESS_EVERY_MS = 2000;
/** Output kept for counting; past it the count stays where it was (the run itself keeps its own capped copy). */
const MAX_COUNTED_BYTES = 8 * 1024 * 1024;

/**
 * Watches one run: collects its output and, every PROGRESS_EVERY_MS, reports the time since it started
 * and the tests done so far. `stop` must be called when the run ends.
 */
export function watchProgress(
  adapterId: string,
  onProgress: (progress: TestProgress) => void,
  readReport?: () => string | undefined,
): { onOutput: (chunk: Buffer) => void; stop: () => void } {
  const started = performance.now();
  const chunks: Buffer[] = [];
  let bytes = 0;
  const tick = (): void => {
    try {
      reportNow();
    } catch {
      // Progress is a courtesy: a failing listener must not end the run.
    }
  };
  const reportNow = (): void => {
    const output = Buffer.concat(chunks).toString('utf8');
    const report = readReport?.();
    const done = testsDoneSoFar(adapterId, { output, ...(report !== undefined ? { report } : {}) });
    const elapsedMs = Math.round(performance.now() - started);
    onProgress(done === undefined ? { elapsedMs } : { elapsedMs, done });
  };
  const timer = setInterval(tick, PROGRESS_EVERY_MS);
  return {
    onOutput: (chunk) => {
      if (bytes + chunk.length > MAX_COUNTED_BYTES) return;
      chunks.push(chunk);
      bytes += chunk.length;
    },
    stop: () => clearInterval(timer),
  };
}
