/** One turn of the loop: localize the failures, build the prompt, ask the model, verify each candidate. */
import type { TestCaseResult } from '../testing/types';
import { passFail } from './decide';
import { valuesForPrompt } from './evidence';
import { localize } from '../localize';
import type { RepairTask } from './prepare';
import { buildRepairPrompt, type RepairPrompt, type TurnFeedback } from './prompt';
import type { RepairSession } from './session';
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
  const prompt = buildRepairPrompt({
    testCommand: task.project.command,
    failing: state.failing,
    tests: located.tests,
    code: located.code,
    values: valuesForPrompt(task.evidence, located.code),
    previous: state.previous,
    maxTokens: session.settings.maxPromptTokens,
  });
  const first = turn === 1 ? session.generate?.firstPrompt(task, session.settings.maxPromptTokens) : undefined;
  const replies = await askForCandidates(session, turn, first ?? prompt);
  session.checkCancelled();

  const verified = await mapLimit(replies, session.settings.verifyConcurrency, async ({ index, reply }) => {
    const candidate = await verifyCandidate(session, task, state.kept, {
      turn,
      index,
      reply,
      focusFiles: located.focusFiles,
    });
    session.candidates.push(candidate);
    if (candidate.rejected) session.emit({ type: 'candidate-rejected', turn, candidate, reason: candidate.rejected });
    else session.emit({ type: 'candidate-verified', turn, candidate, ...passFail(candidate.report) });
    return candidate;
  });
  session.checkCancelled();
  return verified;
}

/** Asks for the turn's candidates at once, streaming progress and counting tokens. */
async function askForCandidates(
  session: RepairSession,
  turn: number,
  { messages, ...fit }: RepairPrompt,
): Promise<Array<{ index: number; reply: string }>> {
  const { model, candidatesPerTurn, temperature, signal } = session.settings;
  const prompt = messages[messages.length - 1]!.content;
  return Promise.all(
    Array.from({ length: candidatesPerTurn }, async (_, i) => {
      const index = i + 1;
      session.emit({ type: 'request-started', turn, candidate: index, prompt, fit });
      session.requestStarted();
      const response = await model.complete({
        messages,
        temperature,
        signal,
        onWaiting: (elapsedMs) => session.emit({ type: 'request-waiting', turn, candidate: index, elapsedMs }),
        onDelta: (_text, chars) => session.emit({ type: 'request-streaming', turn, candidate: index, chars }),
      });
      session.recordResponse(turn, index, response);
      session.emit({
        type: 'request-finished',
        turn,
        candidate: index,
        usage: response.usage,
        reply: response.content,
      });
      return { index, reply: response.content };
    }),
  );
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
