import { CANDIDATE_TIME_FACTOR, CANDIDATE_TIME_FLOOR_MS, type CandidateTimeLimit } from '../repair/time-limit';
import type { PromptFit } from '../repair/prompt-budget';
import type { Candidate, RepairEvent, RepairResult } from '../repair/types';
import { firstSentence } from '../text';
import type { TestReport } from '../testing/types';

/**
 * The words for a repair's events, the same in every host: the CLI prints `line`; the extension's
 * log marks up `subject`, `counts` and `problem` its own way (`[tests] candidate 1: … — FAIL (…)`).
 */
export interface EventText {
  /** The event in one line, e.g. `candidate 1: 3 passed, 1 failed (still failing)`. */
  line: string;
  /** What the line is about: `before`, `turn 2/4`, `candidate 1`, or the outcome (`fixed`, `not fixed`). */
  subject: string;
  /** The tests' tally, e.g. `3 passed, 1 failed`, when the event has one. */
  counts?: string;
  /** For a candidate: true when it fixed the failures. */
  fixed?: boolean;
  /** Why a candidate is not the fix: `still failing`, `breaks 2 passing tests`, a run error, a rejection. */
  problem?: string;
  /** The model's explanation, its first sentence. */
  why?: string;
}

/** At most this many failing test ids are named in the `before:` line. */
const LISTED_FAILURES = 5;

/** The sentences for one event. `model` names the model in a turn's line (`asking gpt-4o-mini`). */
export function describeEvent(event: RepairEvent, context: { model?: string } = {}): EventText {
  switch (event.type) {
    case 'baseline-started': {
      const line = `running tests (${event.framework}): ${event.command}`;
      return { line, subject: 'running tests' };
    }
    case 'baseline-finished':
      return describeBaseline(event.report, event.failing);
    case 'baseline-held':
      return describeHeld(event);
    case 'tests-progress':
      return describeTestsProgress(event);
    case 'flaky-check-started': {
      const line = `running ${plural(event.tests.length, 'failing test')} again on the unchanged code, to spot flaky ones`;
      return { line, subject: 'flaky check' };
    }
    case 'flaky':
      return describeFlaky(event);
    case 'trace-started': {
      const line = `tracing ${plural(event.tests.length, 'failing test')} to find the code they run`;
      return { line, subject: 'tracing' };
    }
    case 'trace-finished':
      return { line: describeTrace(event), subject: 'tracing' };
    case 'turn-started': {
      const subject = `turn ${event.turn}/${event.maxTurns}`;
      return { line: `${subject}: asking ${context.model ?? 'the model'}`, subject };
    }
    case 'request-started':
      return { line: describePromptFit(event.fit), subject: 'prompt' };
    case 'request-waiting':
      return {
        line: `candidate ${event.candidate}: ${describeWaiting(event.elapsedMs)}`,
        subject: `candidate ${event.candidate}`,
      };
    case 'request-streaming':
      return {
        line: `candidate ${event.candidate}: receiving… ${event.chars} chars`,
        subject: `candidate ${event.candidate}`,
      };
    case 'request-finished': {
      const subject = `candidate ${event.candidate}`;
      return { line: `${subject}: ${tokens(event.usage)}`, subject };
    }
    case 'candidate-rejected': {
      const subject = `candidate ${event.candidate.index}`;
      return {
        line: `${subject}: ${event.candidate.cancelled ? 'cancelled' : 'rejected'}: ${event.reason}`,
        subject,
        fixed: false,
        problem: event.reason,
        why: why(event.candidate),
      };
    }
    case 'candidate-verified':
      return describeVerified(event.candidate);
    case 'note':
      return { line: `note: ${event.text}`, subject: 'note', problem: event.text };
    case 'finished':
      return describeResult(event.result);
  }
}

/** At most this many parts a prompt left out are named in its line. */
const LISTED_OMISSIONS = 8;

/** `prompt ~5,840 tokens of 6,000; cut short: function foo (more.py); left out: test test_b (tests/test_x.py)` */
export function describePromptFit(fit: PromptFit): string {
  const named = (names: string[]): string =>
    names.slice(0, LISTED_OMISSIONS).join(', ') +
    (names.length > LISTED_OMISSIONS ? ` and ${names.length - LISTED_OMISSIONS} more` : '');
  return [
    `prompt ~${fit.estimatedTokens.toLocaleString('en-US')} tokens of ${fit.budget.toLocaleString('en-US')}`,
    ...(fit.trimmed.length ? [`cut short: ${named(fit.trimmed)}`] : []),
    ...(fit.omitted.length ? [`left out: ${named(fit.omitted)}`] : []),
  ].join('; ');
}

/** `candidate time limit: 12 s (5× the 2.4 s baseline)` */
export function describeTimeLimit(limit: CandidateTimeLimit): string {
  const took = limit.baselineMs === undefined ? '' : `the baseline took ${seconds(limit.baselineMs)}`;
  const why = {
    baseline: `${CANDIDATE_TIME_FACTOR}× the ${seconds(limit.baselineMs ?? 0)} baseline`,
    floor: `at least ${seconds(CANDIDATE_TIME_FLOOR_MS)}; ${took}`,
    user: limit.baselineMs === undefined ? 'your time limit: the baseline did not finish' : `your time limit; ${took}`,
  }[limit.basis];
  return `candidate time limit: ${seconds(limit.ms)} (${why})`;
}

function seconds(ms: number): string {
  return `${ms < 10_000 ? Number((ms / 1000).toFixed(1)) : Math.round(ms / 1000)} s`;
}

/** `using the Test Explorer's run of 14:02:33 (no file changed since)` */
function describeHeld(event: Extract<RepairEvent, { type: 'baseline-held' }>): EventText {
  const run = `${event.source} of ${clockTime(event.takenAt)}`;
  const line = event.used
    ? `using ${run} (no file changed since)`
    : `not using ${run} (${event.why ?? 'out of date'}): running the tests`;
  return { line, subject: 'before' };
}

/** `14:02:33`, local time. */
export function clockTime(epochMs: number): string {
  const at = new Date(epochMs);
  return [at.getHours(), at.getMinutes(), at.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** `running tests (123 done, 14 s)`; `candidate 1: running its failing tests (3 done, 4 s)` */
export function describeTestsProgress(event: Extract<RepairEvent, { type: 'tests-progress' }>): EventText {
  const progress = testsProgress(event);
  if (event.stage === 'candidate') {
    const subject = `candidate ${event.candidate ?? 1}`;
    const what = event.focused ? 'running its failing tests' : 'running tests';
    return { line: `${subject}: ${what} (${progress})`, subject };
  }
  const subject = event.stage === 'baseline' ? 'running tests' : 'flaky check';
  const what = event.stage === 'baseline' ? 'running tests' : 'running the failing tests again';
  return { line: `${what} (${progress})`, subject };
}

/** `123 done, 14 s`, or `14 s` when the framework's output gives no count. */
export function testsProgress(progress: { elapsedMs: number; done?: number }): string {
  const elapsed = `${Math.floor(progress.elapsedMs / 1000)} s`;
  return progress.done === undefined ? elapsed : `${progress.done.toLocaleString('en-US')} done, ${elapsed}`;
}

/** `waiting for the model (12 s)`: a request sent, no token back yet. */
export function describeWaiting(elapsedMs: number): string {
  return `waiting for the model (${Math.floor(elapsedMs / 1000)} s)`;
}

/** `3 passed, 1 failed`, with `, 2 skipped` when any were; errored tests count as failed. */
export function reportCounts(report: Pick<TestReport, 'counts'>): string {
  const { passed, failed, errored, skipped } = report.counts;
  return `${passed} passed, ${failed + errored} failed${skipped ? `, ${skipped} skipped` : ''}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

function describeBaseline(report: TestReport, failing: string[]): EventText {
  const counts = reportCounts(report);
  const listed = failing.slice(0, LISTED_FAILURES).join(', ');
  const more = failing.length > LISTED_FAILURES ? ', …' : '';
  const outcome = report.tests.length || !report.runError ? counts : report.runError;
  return {
    line: `before: ${outcome}${failing.length ? `; failing: ${listed}${more}` : ''}`,
    subject: 'before',
    counts,
  };
}

/** `flaky: tests/test_x.py::test_a (failed, then passed on the unchanged code; not repaired)` */
function describeFlaky(event: Extract<RepairEvent, { type: 'flaky' }>): EventText {
  const repaired = new Set(event.repaired);
  const left = event.tests.filter((id) => !repaired.has(id));
  const parts = [
    ...(left.length ? [`${left.join(', ')} (failed, then passed on the unchanged code; not repaired)`] : []),
    ...(repaired.size
      ? [
          `${event.repaired.join(', ')} (failed, then passed; repaired as asked: a fix must pass it ${event.runs} times)`,
        ]
      : []),
  ];
  return { line: `flaky: ${parts.join('; ')}`, subject: 'flaky', problem: parts.join('; ') };
}

function describeVerified(candidate: Candidate): EventText {
  const subject = `candidate ${candidate.index}`;
  const counts = candidate.report ? reportCounts(candidate.report) : 'no test results';
  // A candidate whose files came out as an earlier one's shares its outcome without a run.
  const twin = candidate.sameAs ? `; same as candidate ${candidate.sameAs.replace(/^t\d+c/, '')}, not run again` : '';
  if (candidate.fixed)
    return { line: `${subject}: ${counts} (all pass${twin})`, subject, counts, fixed: true, why: why(candidate) };
  const problem = candidate.regressions.length
    ? `breaks ${plural(candidate.regressions.length, 'passing test')}`
    : candidate.unstable?.length
      ? `passed once, then failed again: ${candidate.unstable.join(', ')}`
      : (candidate.report?.runError ?? 'still failing');
  const line = candidate.focusedRun
    ? `${subject}: ${counts} (${problem}${twin}; only its failing tests ran)`
    : `${subject}: ${counts} (${problem}${twin})`;
  return { line, subject, counts, fixed: false, problem, why: why(candidate) };
}

/** `fixed in 2 turns: 3 passed, 1 failed → 4 passed, 0 failed (2 requests, 1242+182 tokens, 2.4 s)` */
export function describeResult(result: RepairResult): EventText {
  const change =
    result.status === 'fixed' && result.patch ? `: ${passFail(result.before)} → ${passFail(result.after)}` : '';
  const spent = `${plural(result.requests, 'request')}, ${tokens(result.usage)}, ${(result.durationMs / 1000).toFixed(1)} s`;
  const subject = result.status === 'unfixed' ? 'not fixed' : result.status;
  return { line: `${result.message}${change} (${spent})`, subject };
}

function passFail(counts: { passed: number; failed: number }): string {
  return `${counts.passed} passed, ${counts.failed} failed`;
}

function tokens(usage: { promptTokens: number; completionTokens: number }): string {
  return `${usage.promptTokens}+${usage.completionTokens} tokens`;
}

function why(candidate: Candidate): string | undefined {
  return firstSentence(candidate.explanation) || undefined;
}

function describeTrace(event: Extract<RepairEvent, { type: 'trace-finished' }>): string {
  const seconds = `${(event.durationMs / 1000).toFixed(1)} s`;
  if (event.functions === 0)
    return `tracing found nothing to go on (${seconds}); localizing by the failure's frames and the test's imports`;
  const found = `traced in ${seconds}: ${plural(event.functions, 'project function')} ran`;
  const top = event.top ? `; most suspect: ${event.top}` : '';
  return `${found}${top}${event.values ? '; its runtime values recorded' : ''}`;
}
