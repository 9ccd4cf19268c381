/** The finish stage: the session turned into the result a host shows. */
import { passFail, rankCandidates } from './decide';
import type { RepairSession } from './session';
import type { Candidate, RepairResult } from './types';

/** How and why a repair ended; `best` is the fix when the status is `fixed` after a turn. */
export interface RepairEnding {
  status: RepairResult['status'];
  message: string;
  best?: Candidate;
  errorKind?: RepairResult['errorKind'];
  budget?: RepairResult['budget'];
}

export function finishRepair(
  session: RepairSession,
  { status, message, best, errorKind, budget }: RepairEnding,
): RepairResult {
  const { baseline, project } = session;
  const ranked = rankCandidates(session.candidates);
  const fixed = status === 'fixed' && best ? best : undefined;
  // Without a fix, the counts after are those of the best candidate that ran the whole suite, if any did
  // (a run of the failing tests alone does not count the suite).
  const ranAll = ranked.find((c) => c.report && !c.focusedRun)?.report;
  const after = fixed?.report ?? (status === 'fixed' ? baseline : (ranAll ?? baseline));
  const result: RepairResult = {
    status,
    message,
    ...(errorKind ? { errorKind } : {}),
    ...(budget ? { budget } : {}),
    turns: session.turns,
    patch: fixed?.patch ?? '',
    changes: fixed?.changes ?? [],
    ...(fixed?.testEdits?.length ? { testEdits: fixed.testEdits } : {}),
    ...(fixed?.flags?.length ? { warnings: fixed.flags } : {}),
    explanation: (best ?? ranked[0])?.explanation,
    before: passFail(baseline),
    after: passFail(after),
    baseline,
    candidates: ranked,
    requests: session.requests,
    usage: session.usage,
    requestLog: session.requestLog,
    durationMs: Date.now() - session.started,
    testCommand: project?.command,
    framework: project?.adapter.id,
    ...(session.flakyTests.length ? { flaky: session.flakyTests } : {}),
    ...(session.notes.length ? { notes: session.notes } : {}),
  };
  session.emit({ type: 'finished', result });
  return result;
}
