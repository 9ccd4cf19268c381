/**
 * The evidence stage, between prepare and the first turn: the failing tests run once more under a
 * light tracer, in the base copy, to learn which project functions they execute (and which of those
 * their passing neighbours execute too), then once more with the most suspect function watched, to
 * learn the values it saw. Localization ranks by what this finds; the prompt shows the values.
 * Tracing is a help, never a condition: a tracer that fails, finds nothing or runs too long leaves
 * the repair to the failure's frames and the test's imports, as without it.
 */
import { localize } from '../localize';
import { tracerFor, type Tracer } from '../localize/trace';
import type { TraceEvidence, TraceRequest, TraceTarget } from '../localize/types';
import { formatRuntimeValues } from '../localize/values';
import type { TestCaseResult } from '../testing/types';
import type { CodeSnippet } from './prompt';
import { STALLED_RUN_ID, type RepairTask } from './prepare';
import type { RepairSession } from './session';

export async function gatherEvidence(session: RepairSession, task: RepairTask): Promise<TraceEvidence | undefined> {
  const { settings } = session;
  // A run that stalled as a whole is no test a tracer can select.
  const failing = task.goal.failing.filter((t) => t.id !== STALLED_RUN_ID);
  if (settings.tracing === false || failing.length === 0 || !roomForTracing(session, task)) return undefined;
  const request: TraceRequest = {
    runner: settings.runner,
    root: task.project.sandbox.root,
    readFile: (relPath) => task.project.sandbox.readFile(relPath),
    adapter: task.project.adapter,
    command: task.project.command,
    failing,
    tests: task.baseline.tests,
    timeoutMs: task.candidateTimeoutMs,
    baselineMs: task.baseline.durationMs,
    ...(settings.signal ? { signal: settings.signal } : {}),
  };
  const tracer = tracerFor(request);
  if (!tracer) return undefined;
  const started = Date.now();
  session.emit({ type: 'trace-started', tests: request.failing.map((t) => t.id) });
  const spectrum = await tracer.coverage(request).catch(() => undefined);
  session.checkCancelled();
  const top = spectrum ? await topSuspect(task, spectrum) : undefined;
  const values =
    top && settings.runtimeValues !== false ? await watchValues(tracer, request, top, spectrum) : undefined;
  session.checkCancelled();
  session.emit({
    type: 'trace-finished',
    source: spectrum?.source,
    functions: spectrum?.functions.length ?? 0,
    ...(top ? { top: `${top.name} (${top.file}:${top.line})` } : {}),
    values: values !== undefined,
    durationMs: Date.now() - started,
  });
  return spectrum ? { spectrum, ...(values ? { values } : {}) } : undefined;
}

/**
 * With a time budget, tracing (up to two more test runs, slowed by the tracer) must leave the repair
 * itself room for a turn: it is skipped when less than this many baseline durations remain.
 */
const TRACE_ROOM_BASELINES = 8;

function roomForTracing(session: RepairSession, task: RepairTask): boolean {
  const { maxTimeMs = 0 } = session.settings;
  if (maxTimeMs <= 0) return true;
  const left = maxTimeMs - (Date.now() - session.started);
  return left > TRACE_ROOM_BASELINES * task.baseline.durationMs;
}

/** The function localization ranks first with the spectrum, on the original code. */
async function topSuspect(task: RepairTask, spectrum: TraceEvidence['spectrum']): Promise<TraceTarget | undefined> {
  const located = await localize({
    failing: task.goal.failing,
    sourceFiles: task.code.sourceFiles,
    isTestFile: task.code.isTestFile,
    readFile: task.code.readerWith(new Map()),
    spectrum,
  });
  return located.top;
}

/** The values `top` saw in the first failing test that ran it (the first failing test when none is known). */
async function watchValues(
  tracer: Tracer,
  request: TraceRequest,
  top: TraceTarget,
  spectrum: TraceEvidence['spectrum'],
): Promise<TraceEvidence['values']> {
  if (!tracer.values) return undefined;
  const ran = spectrum?.functions.find((f) => f.file === top.file && f.line === top.line)?.failingTests ?? [];
  const test: TestCaseResult | undefined = request.failing.find((t) => ran.includes(t.id)) ?? request.failing[0];
  if (!test) return undefined;
  return tracer.values(request, top, test).catch(() => undefined);
}

/** The runtime values as text for a turn's prompt, when the function they belong to is among the code it shows. */
export function valuesForPrompt(
  evidence: TraceEvidence | undefined,
  shown: readonly CodeSnippet[],
): string | undefined {
  const values = evidence?.values;
  if (!values) return undefined;
  const { file, line } = values.target;
  const inView = shown.some((s) => s.file === file && s.startLine <= line && line <= s.endLine);
  return inView ? formatRuntimeValues(values) : undefined;
}
