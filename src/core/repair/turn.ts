/** One turn of the loop: localize the failures, build the prompt, ask the model, verify each candidate. */
import type { ChatResponse } from '../model/types';
import type { TestCaseResult } from '../testing/types';
import { attemptNotes } from './attempts';
import { passFail } from './decide';
import { valuesForPrompt } from './evidence';
import { localize } from '../localize';
import type { RepairTask } from './prepare';
import { buildRepairPrompt, type RepairPrompt, type TurnFeedback } from './prompt';
import type { RepairSession } from './session';
import { TurnCandidates } from './turn-candidates';
import type { Candidate } from './types';
import { verifyCandidate } from './verify';

/** What a turn starts from; `decide` gives the next one. */
export interface TurnState {
  /** Changes (new text per path, against the originals) the turn builds on; empty for the original code. */
  kept: ReadonlyMap<string, string>;
  /** The failures shown to the model. */
  failing: TestCaseResult[];
  /** What the previous turn tried and what came of it. */
  previous?: TurnFeedback;
}

interface Reply {
  index: number;
  reply: string;
}

/** Runs turn `turn` and returns its candidates, each verified (or rejected), in the order asked. */
export async function runTurn(
  session: RepairSession,
  task: RepairTask,
  turn: number,
  state: TurnState,
): Promise<Candidate[]> {
  session.checkCancelled();
  session.turns = turn;
  session.emit({ type: 'turn-started', turn, maxTurns: session.settings.maxTurns });
  const located = await localize({
    failing: state.failing,
    sourceFiles: task.code.sourceFiles,
    isTestFile: task.code.isTestFile,
    readFile: task.code.readerWith(state.kept),
    spectrum: task.evidence?.spectrum,
  });
  // Generate mode writes the first turn's prompt itself; the repair prompt is built only when it is sent.
  const prompt =
    (turn === 1 ? session.generate?.firstPrompt(task, session.settings.maxPromptTokens) : undefined) ??
    buildRepairPrompt({
      testCommand: task.project.command,
      failing: state.failing,
      tests: located.tests,
      code: located.code,
      values: valuesForPrompt(task.evidence, located.code),
      previous: state.previous,
      attempts: session.settings.attemptMemory === false ? [] : attemptNotes(session.candidates, turn, state.previous),
      maxTokens: session.settings.maxPromptTokens,
    });
  const replies = await askForCandidates(session, turn, prompt);
  session.checkCancelled();
  const verified = await verifyReplies(session, task, turn, state, replies, located.focusFiles);
  session.checkCancelled();
  return verified;
}

/**
 * Verifies the turn's replies, as many at once as the suite and the machine allow, in the order
 * asked: identical ones run once, and the first fix stops the others.
 */
async function verifyReplies(
  session: RepairSession,
  task: RepairTask,
  turn: number,
  state: TurnState,
  replies: Reply[],
  focusFiles: string[],
): Promise<Candidate[]> {
  const siblings = new TurnCandidates(session, turn);
  const verified = await mapLimit(replies, session.verifyConcurrency(replies.length), async ({ index, reply }) => {
    const candidate = await verifyCandidate(session, task, state.kept, {
      turn,
      index,
      reply,
      focusFiles,
      signal: siblings.signal,
      beforeRun: (screened) => siblings.beforeRun(screened),
    });
    siblings.finished(candidate);
    session.candidates.push(candidate);
    if (candidate.cancelled) {
      session.emit({ type: 'candidate-rejected', turn, candidate, reason: siblings.cancelReason() });
    } else if (candidate.rejected) {
      session.emit({ type: 'candidate-rejected', turn, candidate, reason: candidate.rejected });
    } else session.emit({ type: 'candidate-verified', turn, candidate, ...passFail(candidate.report) });
    return candidate;
  });
  siblings.remember(verified);
  return verified;
}

/**
 * Asks for the turn's candidates: in one request where the endpoint takes `n`, else in parallel
 * requests (the model client's choice), streaming progress and counting tokens.
 */
async function askForCandidates(
  session: RepairSession,
  turn: number,
  { messages, ...fit }: RepairPrompt,
): Promise<Reply[]> {
  const { model, candidatesPerTurn: count, temperature, signal } = session.settings;
  const prompt = messages[messages.length - 1]!.content;
  for (let index = 1; index <= count; index++)
    session.emit({ type: 'request-started', turn, candidate: index, prompt, fit });
  const request = {
    messages,
    temperature,
    signal,
    onWaiting: (elapsedMs: number) => session.emit({ type: 'request-waiting', turn, candidate: 1, elapsedMs }),
    onDelta: (_text: string, chars: number, choice: number) =>
      session.emit({ type: 'request-streaming', turn, candidate: choice + 1, chars }),
  };
  const responses: ChatResponse[] = model.completeMany
    ? await model.completeMany({ ...request, onSent: () => session.requestStarted() }, count)
    : await Promise.all(
        Array.from({ length: count }, () => {
          session.requestStarted();
          return model.complete(request);
        }),
      );
  const replies: Reply[] = [];
  for (const response of responses) {
    session.recordResponse(turn, replies.length + 1, response);
    for (const [i, reply] of (response.choices ?? [response.content]).entries()) {
      if (replies.length === count) break;
      const index = replies.length + 1;
      // A request with n reports one usage for all its replies: it goes with the first.
      const usage = i === 0 ? response.usage : { promptTokens: 0, completionTokens: 0 };
      session.emit({ type: 'request-finished', turn, candidate: index, usage, reply });
      replies.push({ index, reply });
    }
  }
  return replies;
}

/** Maps `items` through `fn` with at most `limit` calls running at once; results keep the items' order. */
async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
