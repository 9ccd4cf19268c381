/**
 * From process dumps to a spectrum. A dump covers one whole process, so the finest unit a test can be
 * credited at is the process: under `node --test` that is one test file (jest and mocha workers may hold
 * several). A process counts for the target failures it ran; else, when every test that ran in it passed,
 * for its passing tests; a process with other failures tells nothing clear and is left out.
 */
import type { CoverageSpectrum, ExecutedFunction } from '../types';
import { isFailing, type TestCaseResult } from '../../testing/types';
import type { ExecutedLocation, ProcessCoverage } from './v8-coverage';

/** One traced run: the tests its report lists, and what each of its processes executed. */
export interface TracedRun {
  tests: readonly TestCaseResult[];
  processes: readonly ProcessCoverage[];
}

interface Unit {
  tests: readonly TestCaseResult[];
  functions: readonly ExecutedLocation[];
}

interface Entry {
  location: ExecutedLocation;
  failing: Set<string>;
  passing: Set<string>;
}

export class SpectrumBuilder {
  private readonly entries = new Map<string, Entry>();
  private readonly failingSeen = new Set<string>();
  private readonly passingSeen = new Set<string>();

  /** `targets`: ids of the failing tests the repair is about; other failures are not evidence. */
  constructor(private readonly targets: ReadonlySet<string>) {}

  get failingTraced(): number {
    return this.failingSeen.size;
  }

  add(run: TracedRun): void {
    for (const unit of unitsOf(run)) {
      const failing = unit.tests.filter((t) => isFailing(t) && this.targets.has(t.id)).map((t) => t.id);
      if (failing.length) {
        this.credit(unit.functions, failing, 'failing');
        continue;
      }
      if (unit.tests.some(isFailing)) continue;
      const passing = unit.tests.filter((t) => t.status === 'passed').map((t) => t.id);
      if (passing.length) this.credit(unit.functions, passing, 'passing');
    }
  }

  /** The functions the target failures executed, in file and line order; undefined when there are none. */
  build(durationMs: number): CoverageSpectrum | undefined {
    const functions: ExecutedFunction[] = [...this.entries.values()]
      .filter((entry) => entry.failing.size > 0)
      .map(({ location, failing, passing }) => ({
        ...location,
        failingTests: [...failing].sort(),
        passingTests: passing.size,
      }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.name.localeCompare(b.name));
    if (!functions.length) return undefined;
    return {
      source: 'v8',
      functions,
      failingTraced: this.failingSeen.size,
      passingTraced: this.passingSeen.size,
      durationMs,
    };
  }

  private credit(functions: readonly ExecutedLocation[], ids: string[], kind: 'failing' | 'passing'): void {
    const seen = kind === 'failing' ? this.failingSeen : this.passingSeen;
    for (const id of ids) seen.add(id);
    for (const location of functions) {
      const key = `${location.file}:${location.line}:${location.name}`;
      let entry = this.entries.get(key);
      if (!entry) {
        entry = { location, failing: new Set(), passing: new Set() };
        this.entries.set(key, entry);
      }
      for (const id of ids) entry[kind].add(id);
    }
  }
}

/**
 * Each process that loaded test files is a unit with the tests of those files. When no process can be
 * matched to the report's tests (files unknown, or named differently), the whole run is one unit.
 */
function unitsOf(run: TracedRun): Unit[] {
  const units = run.processes
    .filter((p) => p.testFiles.size > 0)
    .map((p) => ({
      tests: run.tests.filter((t) => t.file !== undefined && p.testFiles.has(t.file)),
      functions: p.functions,
    }))
    .filter((unit) => unit.tests.length > 0);
  if (units.length) return units;
  return [{ tests: run.tests, functions: run.processes.flatMap((p) => p.functions) }];
}
