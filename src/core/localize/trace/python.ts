/**
 * Tracing a pytest project: which of its functions each test ran (a coverage spectrum), and what one
 * function saw while one failing test ran (runtime values). Both run the tests once more, in the sandbox,
 * with a plugin (self_repair_trace.py) loaded from outside the project. Tracing is an extra: whatever
 * goes wrong (no plugin output, a timeout, a run error) gives undefined, never an error.
 */
import type { TestCaseResult } from '../../testing/types';
import type { CoverageSpectrum, RuntimeValues, TraceRequest, TraceTarget, TracedCall } from '../types';
import { debug, runTraced, sameTest, traceTimeLimit } from './python-run';
import { spectrumFromCoverage } from './python-spectrum';

export function pythonTraceApplies(req: TraceRequest): boolean {
  return req.adapter.id === 'pytest';
}

/**
 * The failing tests' files run under the coverage tracer (their passing neighbours give the spectrum its
 * contrast); the whole command when it cannot be narrowed.
 */
export async function tracePythonCoverage(req: TraceRequest): Promise<CoverageSpectrum | undefined> {
  if (!pythonTraceApplies(req) || req.failing.length === 0) return undefined;
  try {
    const narrowed = req.adapter.selectTests?.(req.command, req.failing, 'files');
    const files = new Set(req.failing.map((t) => t.file ?? t.id.split('::')[0]));
    const selected = narrowed ? req.tests.filter((t) => files.has(t.file ?? t.id.split('::')[0])) : req.tests;
    const started = Date.now();
    const run = await runTraced(
      req,
      narrowed ?? req.command,
      { SELF_REPAIR_TRACE_MODE: 'coverage' },
      traceTimeLimit(req, selected),
    );
    if (!run) return undefined;
    const spectrum = spectrumFromCoverage(run.outputs, run.report.tests, req.adapter, Date.now() - started);
    if (!spectrum) debug('coverage tracing found no traced failing test');
    return spectrum;
  } catch (error) {
    debug('coverage tracing failed: %s', error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/** The values `target` saw while `test` ran: its arguments, its locals line by line, and its result. */
export async function tracePythonValues(
  req: TraceRequest,
  target: TraceTarget,
  test: TestCaseResult,
): Promise<RuntimeValues | undefined> {
  if (!pythonTraceApplies(req)) return undefined;
  try {
    const command = req.adapter.selectTests?.(req.command, [test], 'tests') ?? req.command;
    const settings = {
      SELF_REPAIR_TRACE_MODE: 'values',
      SELF_REPAIR_TRACE_FILE: target.file,
      SELF_REPAIR_TRACE_LINE: String(target.line),
      SELF_REPAIR_TRACE_NAME: target.name,
      SELF_REPAIR_TRACE_TEST: test.id,
    };
    const run = await runTraced(req, command, settings, traceTimeLimit(req, [test]));
    const values = run?.outputs.map((data) => valuesFrom(data, target, test.id)).find(Boolean);
    if (run && !values) debug('value tracing saw no call of %s in %s', target.name, test.id);
    return values;
  } catch (error) {
    debug('value tracing failed: %s', error instanceof Error ? error.message : String(error));
    return undefined;
  }
}

/** The plugin's JSON in values mode (self_repair_trace.py, `Values.result`). */
interface ValuesData {
  mode: 'values';
  test: string | null;
  calls: TracedCall[];
  omittedCalls: number;
}

function valuesFrom(data: unknown, target: TraceTarget, testId: string): RuntimeValues | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const candidate = data as Partial<ValuesData>;
  if (candidate.mode !== 'values' || !Array.isArray(candidate.calls) || candidate.calls.length === 0) return undefined;
  if (typeof candidate.test === 'string' && !sameTest(candidate.test, testId)) return undefined;
  return {
    target: { file: target.file, name: target.name, line: target.line },
    test: testId,
    calls: candidate.calls,
    omittedCalls: Number(candidate.omittedCalls ?? 0),
  };
}
