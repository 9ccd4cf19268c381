/** From what the pytest plugin recorded in coverage mode to a coverage spectrum in the report's terms. */
import { isFailing, type FrameworkAdapter, type TestCaseResult, type TestStatus } from '../../testing/types';
import type { CoverageSpectrum, ExecutedFunction } from '../types';
import { sameTest } from './python-run';

/** The plugin's JSON in coverage mode (self_repair_trace.py, `Coverage.result`). */
interface CoverageData {
  mode: 'coverage';
  tracer: string;
  /** pytest's rootdir relative to the project root, which node ids are relative to. */
  rootdir: string;
  /** [project-relative file, first line, qualified name] */
  functions: Array<[string, number, string]>;
  tests: Record<string, { outcome: string | null; functions: number[] }>;
}

function isCoverageData(data: unknown): data is CoverageData {
  if (typeof data !== 'object' || data === null) return false;
  const candidate = data as Partial<CoverageData>;
  return (
    candidate.mode === 'coverage' &&
    Array.isArray(candidate.functions) &&
    typeof candidate.tests === 'object' &&
    candidate.tests !== null
  );
}

/** A traced test as the report knows it: its id and its status. */
interface TracedTest {
  id: string;
  status: TestStatus | undefined;
}

/** The report's test for a node id: the same id, else the one id that ends the same way. */
function reportTest(nodeid: string, rootdir: string, tests: readonly TestCaseResult[]): TracedTest {
  const rooted = rootdir && rootdir !== '.' ? `${rootdir}/${nodeid}` : nodeid;
  const exact = tests.find((t) => t.id === rooted || t.id === nodeid);
  const matches = exact ? [exact] : tests.filter((t) => sameTest(nodeid, t.id));
  if (matches.length === 1) return { id: matches[0]!.id, status: matches[0]!.status };
  return { id: rooted, status: undefined };
}

function pluginStatus(outcome: string | null): TestStatus | undefined {
  return outcome === 'failed' || outcome === 'passed' || outcome === 'skipped' ? outcome : undefined;
}

/**
 * The spectrum: each project function (test files left out) with the failing tests that ran it and the
 * number of passing ones. Statuses come from the run's report, else from the plugin. Undefined when the
 * data is not the plugin's or no failing test was traced.
 */
export function spectrumFromCoverage(
  data: unknown,
  reportTests: readonly TestCaseResult[],
  adapter: FrameworkAdapter,
  durationMs: number,
): CoverageSpectrum | undefined {
  if (!isCoverageData(data)) return undefined;
  const functions = new Map<number, ExecutedFunction>();
  let failingTraced = 0;
  let passingTraced = 0;
  for (const [nodeid, traced] of Object.entries(data.tests)) {
    const test = reportTest(nodeid, data.rootdir, reportTests);
    const status = test.status ?? pluginStatus(traced.outcome);
    const failing = status !== undefined && isFailing({ status } as TestCaseResult);
    if (!failing && status !== 'passed') continue;
    if (failing) failingTraced++;
    else passingTraced++;
    for (const index of traced.functions) {
      const entry = functionAt(data, index, adapter, functions);
      if (!entry) continue;
      if (failing) entry.failingTests.push(test.id);
      else entry.passingTests++;
    }
  }
  if (failingTraced === 0) return undefined;
  return {
    source: data.tracer,
    functions: [...functions.values()].sort(bySuspicion),
    failingTraced,
    passingTraced,
    durationMs,
  };
}

/** The spectrum's entry for the plugin's function `index`, made on first use; undefined for test code. */
function functionAt(
  data: CoverageData,
  index: number,
  adapter: FrameworkAdapter,
  functions: Map<number, ExecutedFunction>,
): ExecutedFunction | undefined {
  const known = functions.get(index);
  if (known) return known;
  const raw = data.functions[index];
  if (!Array.isArray(raw) || typeof raw[0] !== 'string' || adapter.isTestFile(raw[0])) return undefined;
  const entry: ExecutedFunction = {
    file: raw[0],
    name: String(raw[2] ?? ''),
    line: Number(raw[1]),
    failingTests: [],
    passingTests: 0,
  };
  functions.set(index, entry);
  return entry;
}

/** Run by more failing tests first, then by fewer passing ones; ties in source order. */
function bySuspicion(a: ExecutedFunction, b: ExecutedFunction): number {
  return (
    b.failingTests.length - a.failingTests.length ||
    a.passingTests - b.passingTests ||
    a.file.localeCompare(b.file) ||
    a.line - b.line
  );
}
