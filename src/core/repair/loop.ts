/**
 * The repair loop: run the tests, ask for an explanation and a fix, verify each candidate in its
 * own copy of the project, and feed what happened into the next turn. The user's folder is only
 * ever read; the result carries the verified patch for the host to offer.
 *
 * Stages, in order: prepare (prepare.ts), a turn per attempt (turn.ts, verify.ts), decide after
 * each turn (decide.ts), finish (finish.ts). What they share lives in a RepairSession.
 */
import { errorKindOf, errorLine } from '../errors';
import { REPAIR_DEFAULTS } from '../settings';
import { ProcessRunner } from '../sandbox';
import { decide, rankCandidates } from './decide';
import { finishRepair, type RepairEnding } from './finish';
import { gatherEvidence } from './evidence';
import { planGeneration } from '../generate';
import { prepareRepair } from './prepare';
import { BudgetSpent, Cancelled, RepairSession, TimeBudget, type LoopSettings } from './session';
import { runTurn, type TurnState } from './turn';
import type { FileChange, RepairOptions, RepairResult } from './types';

/** The loop's defaults: those of the settings contract both hosts share. */
export const DEFAULTS = REPAIR_DEFAULTS;

export { rankCandidates } from './decide';
export { STALLED_RUN_ID } from './prepare';

export async function repair(options: RepairOptions): Promise<RepairResult> {
  const time = new TimeBudget(options.maxTimeMs ?? 0, options.signal);
  const session = new RepairSession(settingsOf(options, time.signal), options.onEvent);
  try {
    return finishRepair(session, await repairInSession(session, options));
  } catch (error) {
    const budget =
      time.spent && !options.signal?.aborted ? 'time' : error instanceof BudgetSpent ? error.kind : undefined;
    return finishRepair(session, budget ? budgetEnding(session, budget) : endingFor(error, options.signal));
  } finally {
    time.dispose();
    await session.project?.sandbox.dispose();
  }
}

function settingsOf(options: RepairOptions, signal: AbortSignal | undefined): LoopSettings {
  const candidatesPerTurn = Math.max(1, options.candidatesPerTurn ?? DEFAULTS.candidatesPerTurn);
  return {
    model: options.model,
    maxTurns: options.maxTurns ?? DEFAULTS.maxTurns,
    candidatesPerTurn,
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    allowTestEdits: options.allowTestEdits ?? false,
    // Several candidates are worth asking for only when they can differ.
    temperature: options.temperature ?? (candidatesPerTurn > 1 ? 0.8 : 0.2),
    verifyConcurrency: options.verifyConcurrency,
    runner: options.runner ?? new ProcessRunner(),
    maxTokens: Math.max(0, options.maxTokens ?? 0),
    maxPromptTokens: options.maxPromptTokens ?? DEFAULTS.maxPromptTokens,
    maxTimeMs: Math.max(0, options.maxTimeMs ?? 0),
    focusTests: options.focusTests,
    signal,
    flakyCheck: options.flakyCheck ?? DEFAULTS.flakyCheck,
    tracing: options.tracing ?? DEFAULTS.tracing,
    runtimeValues: options.runtimeValues ?? DEFAULTS.runtimeValues,
    attemptMemory: options.attemptMemory ?? DEFAULTS.attemptMemory,
    dedupeCandidates: options.dedupeCandidates ?? DEFAULTS.dedupeCandidates,
    stagedVerification: options.stagedVerification ?? DEFAULTS.stagedVerification,
    ...(options.baseline ? { heldBaseline: options.baseline } : {}),
  };
}

async function repairInSession(session: RepairSession, options: RepairOptions): Promise<RepairEnding> {
  if (options.generate)
    session.generate = await planGeneration(options.projectRoot, options.testCommand, options.generate);
  const prepared = await prepareRepair(session, options.projectRoot, options.testCommand);
  if ('ending' in prepared) return prepared.ending;
  const { task } = prepared;
  const evidence = await gatherEvidence(session, task);
  if (evidence) task.evidence = evidence;
  const { maxTurns } = session.settings;
  let state: TurnState = { kept: new Map(), failing: task.goal.failing };
  for (let turn = 1; turn <= maxTurns; turn++) {
    session.checkTokenBudget();
    const verified = await runTurn(session, task, turn, state);
    const decision = decide({
      verified,
      state,
      baseline: task.baseline,
      goal: task.goal,
      focusTests: session.settings.focusTests,
    });
    if ('fixed' in decision)
      return { status: 'fixed', message: `fixed in ${turn} turn${turn > 1 ? 's' : ''}`, best: decision.fixed };
    if ('repeated' in decision) return { status: 'unfixed', message: decision.repeated };
    state = decision.next;
  }
  return { status: 'unfixed', message: `not fixed after ${maxTurns} turn${maxTurns > 1 ? 's' : ''}` };
}

/**
 * A spent budget ends the repair as not fixed, unless a candidate was already verified as a fix (the time
 * budget may stop its siblings' runs): only a verified fix is ever offered.
 */
function budgetEnding(session: RepairSession, budget: 'tokens' | 'time'): RepairEnding {
  const { maxTokens = 0, maxTimeMs = 0 } = session.settings;
  const spent =
    budget === 'tokens'
      ? `token budget spent (${count(session.tokensSpent)} of ${count(maxTokens)} tokens)`
      : `time budget spent (${count(Math.round(maxTimeMs / 1000))} s)`;
  const best = rankCandidates(session.candidates)[0];
  if (best?.fixed) return { status: 'fixed', message: `fixed in ${plural(session.turns)}; ${spent}`, best, budget };
  return { status: 'unfixed', message: spent, budget };
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(turns: number): string {
  return `${turns} turn${turns > 1 ? 's' : ''}`;
}

/** How an error ends the repair: cancelled, a setting the user can fix, or a fault of the engine. */
function endingFor(error: unknown, signal: AbortSignal | undefined): RepairEnding {
  if (error instanceof Cancelled || errorKindOf(error) === 'cancelled' || signal?.aborted) {
    return { status: 'cancelled', message: 'cancelled' };
  }
  return { status: 'error', message: errorLine(error), errorKind: errorKindOf(error) };
}

export type { FileChange };
