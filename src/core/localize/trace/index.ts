/** The tracers, each for the frameworks it understands; the first that applies to a run traces it. */
import type { CoverageSpectrum, RuntimeValues, TraceRequest, TraceTarget } from '../types';
import { pythonTraceApplies, tracePythonCoverage, tracePythonValues } from './python';
import { traceV8Coverage, v8TraceApplies } from './v8';

export interface Tracer {
  applies(req: TraceRequest): boolean;
  /** The functions the failing tests (and some passing neighbours) executed; undefined when tracing failed. */
  coverage(req: TraceRequest): Promise<CoverageSpectrum | undefined>;
  /** The values one function saw while one failing test ran, for tracers that can watch values. */
  values?(
    req: TraceRequest,
    target: TraceTarget,
    test: TraceRequest['failing'][number],
  ): Promise<RuntimeValues | undefined>;
}

const tracers: readonly Tracer[] = [
  { applies: pythonTraceApplies, coverage: tracePythonCoverage, values: tracePythonValues },
  { applies: v8TraceApplies, coverage: traceV8Coverage },
];

export function tracerFor(req: TraceRequest): Tracer | undefined {
  return tracers.find((tracer) => tracer.applies(req));
}
