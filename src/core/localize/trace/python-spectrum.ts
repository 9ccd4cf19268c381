/** From what the pytest plugin recorded in coverage mode to a coverage spectrum in the report's terms. */
import type { FrameworkAdapter, TestCaseResult, TestStatus } from '../../testing/types';
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
 * number of passing ones. Statuses come from the run's report, else from the plugin. `outputs` are the
 * plugin's files (one per pytest-xdist worker). Undefined when none is the plugin's or no failing test was
 * traced.
 */
export function spectrumFromCoverage(
  outputs: readonly unknown[],
  reportTests: readonly TestCaseResult[],
  adapter: FrameworkAdapter,
  durationMs: number,
): CoverageSpectrum | undefined {
  const spectrum = new SpectrumBuilder(reportTests, adapter);
  const found = outputs.filter(isCoverageData);
  for (const data of found) spectrum.add(data);
  if (spectrum.failingTraced === 0) return undefined;
  return {
    source: found[0]!.tracer,
    functions: [...spectrum.functions.values()].sort(bySuspicion),
    failingTraced: spectrum.failingTraced,
    passingTraced: spectrum.passingTraced,
    durationMs,
  };
}

class SpectrumBuilder {
  /** By `file:line:name`, the same function in every worker's output. */
  readonly functions = new Map<string, ExecutedFunction>();
  failingTraced = 0;
  passingTraced = 0;

  constructor(
    private readonly reportTests: readonly TestCaseResult[],
    private readonly adapter: FrameworkAdapter,
  ) {}

  add(data: CoverageData): void {
    for (const [nodeid, traced] of Object.entries(data.tests)) {
      const test = reportTest(nodeid, data.rootdir, this.reportTests);
      const status = test.status ?? pluginStatus(traced.outcome);
      const failing = status === 'failed' || status === 'errored';
      if (!failing && status !== 'passed') continue;
      if (failing) this.failingTraced++;
      else this.passingTraced++;
      for (const index of traced.functions) {
        const entry = this.functionAt(data.functions[index]);
        if (!entry) continue;
        if (failing) entry.failingTests.push(test.id);
        else entry.passingTests++;
      }
    }
  }

  /** The spectrum's entry for one of the plugin's functions, made on first use; undefined for test code. */
  private functionAt(raw: unknown): ExecutedFunction | undefined {
    if (!Array.isArray(raw) || typeof raw[0] !== 'string' || this.adapter.isTestFile(raw[0])) return undefined;
    const [file, line, name] = [raw[0], Number(raw[1]), String(raw[2] ?? '')];
    const key = `${file}:${line}:${name}`;
    let entry = this.functions.get(key);
    if (!entry) {
      entry = { file, name, line, failingTests: [], passingTests: 0 };
      this.functions.set(key, entry);
    }
    return entry;
  }
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
