/**
 * Coverage spectrum for node-based test frameworks, from V8's own coverage: the test command runs in the
 * sandbox copy with `NODE_V8_COVERAGE` set, so node and every node process it starts write what they
 * executed into a temporary folder (no instrumentation, no dependency, nothing written into the copy).
 *
 * A dump covers a whole process, so tests are credited per process (see v8-spectrum.ts). At most two runs:
 * 1. the failing tests only, when the adapter can narrow the command to them (else the whole suite):
 *    the functions they executed, each with the failing tests whose process ran it (exact for one failure);
 * 2. only after a narrowed first run, and only when time is left: the passing tests of the failing tests'
 *    files. A function gets, as `passingTests`, the passing tests whose process executed it: an upper
 *    bound when several passing tests share a process, which all run under `node --test` per file.
 * The spectrum lists only functions the failures executed; what only passing tests ran cannot be the bug.
 *
 * Functions are reported as V8 names them, at the line their definition starts; code loaded through a
 * source map (TypeScript, bundles) at its original file and line. Tracing that fails, times out or finds
 * nothing gives undefined: the repair goes on without a spectrum.
 */
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { copyPrefix } from '../../sandbox/leftovers';
import type { CommandRunner } from '../../sandbox/types';
import { runTests } from '../../testing/run';
import type { TestCaseResult } from '../../testing/types';
import type { CoverageSpectrum, TraceRequest } from '../types';
import { readCoverageDir, type ProjectView } from './v8-coverage';
import { SpectrumBuilder, type TracedRun } from './v8-spectrum';

/** Adapters whose tests run in node processes that honour NODE_V8_COVERAGE. */
const NODE_ADAPTERS: ReadonlySet<string> = new Set(['node-test', 'jest', 'vitest', 'mocha']);
/** Passing neighbours traced in the second run: enough for a spectrum, a name pattern of sane length. */
const MAX_NEIGHBOURS = 100;

export function v8TraceApplies(req: TraceRequest): boolean {
  return NODE_ADAPTERS.has(req.adapter.id);
}

export async function traceV8Coverage(req: TraceRequest): Promise<CoverageSpectrum | undefined> {
  try {
    return await trace(req);
  } catch {
    // Evidence, not a requirement: whatever went wrong, the repair continues without it.
    return undefined;
  }
}

async function trace(req: TraceRequest): Promise<CoverageSpectrum | undefined> {
  const started = Date.now();
  if (!req.failing.length) return undefined;
  const project = await projectView(req);
  const builder = new SpectrumBuilder(new Set(req.failing.map((t) => t.id)));
  const narrowed = req.adapter.selectTests?.(req.command, req.failing, 'tests');
  const first = await tracedRun(req, narrowed ?? req.command, req.timeoutMs, project);
  if (!first) return undefined;
  builder.add(first);
  if (!builder.failingTraced) return undefined;

  const remainingMs = req.timeoutMs - (Date.now() - started);
  const neighbours = passingNeighbours(req);
  const secondCommand =
    narrowed && neighbours.length ? req.adapter.selectTests?.(req.command, neighbours, 'tests') : undefined;
  // Cheap means: it fits twice over in what is left of the time the first run was given.
  if (secondCommand && remainingMs > 2 * first.durationMs) {
    const second = await tracedRun(req, secondCommand, remainingMs, project);
    if (second) builder.add(second);
  }
  return builder.build(Date.now() - started);
}

/** One run under coverage, or undefined when it did not complete (timeout, cancel, a command that failed to start). */
async function tracedRun(
  req: TraceRequest,
  command: string,
  timeoutMs: number,
  project: ProjectView,
): Promise<(TracedRun & { durationMs: number }) | undefined> {
  if (req.signal?.aborted) return undefined;
  // Outside the copy (never taken for a project file), and mounted writable into an OS sandbox's private /tmp.
  const coverageDir = await mkdtemp(path.join(os.tmpdir(), `${copyPrefix()}v8-`));
  try {
    const report = await runTests({
      runner: alsoWritable(req.runner, coverageDir),
      root: req.root,
      adapter: req.adapter,
      command,
      timeoutMs,
      // Maps of compiled sources land in the dump only when node keeps them.
      env: { NODE_V8_COVERAGE: coverageDir, NODE_OPTIONS: '--enable-source-maps' },
      ...(req.signal ? { signal: req.signal } : {}),
    });
    if (report.timedOut || req.signal?.aborted || !report.tests.length) return undefined;
    const processes = await readCoverageDir(coverageDir, project);
    return { tests: report.tests, processes, durationMs: report.durationMs };
  } finally {
    await rm(coverageDir, { recursive: true, force: true });
  }
}

/** The runner, with one more folder its commands may write. */
function alsoWritable(runner: CommandRunner, dir: string): CommandRunner {
  return {
    name: runner.name,
    run: (request) => runner.run({ ...request, writable: [...(request.writable ?? []), dir] }),
  };
}

/** Passing tests of the failing tests' files: they share the most code with the failures. */
function passingNeighbours(req: TraceRequest): TestCaseResult[] {
  const files = new Set(req.failing.map((t) => t.file).filter((file) => file !== undefined));
  const failing = new Set(req.failing.map((t) => t.id));
  return req.tests
    .filter((t) => t.status === 'passed' && !failing.has(t.id) && t.file !== undefined && files.has(t.file))
    .slice(0, MAX_NEIGHBOURS);
}

async function projectView(req: TraceRequest): Promise<ProjectView> {
  const given = path.resolve(req.root);
  const real = await realpath(given).catch(() => given);
  const knownTestFiles = new Set([...req.tests, ...req.failing].map((t) => t.file).filter((f) => f !== undefined));
  const texts = new Map<string, Promise<string | undefined>>();
  return {
    roots: real === given ? [given] : [given, real],
    isTestFile: (rel) => knownTestFiles.has(rel) || req.adapter.isTestFile(rel),
    readText(rel) {
      let text = texts.get(rel);
      if (!text) {
        const readCopy = req.readFile;
        const read = readCopy ? Promise.resolve(rel).then(readCopy) : readFile(path.join(given, rel), 'utf8');
        text = read.catch(() => undefined);
        texts.set(rel, text);
      }
      return text;
    },
  };
}
