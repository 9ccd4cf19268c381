import { describeEvent, describeTimeLimit, type RepairEvent, SYSTEM_PROMPT } from '../core';

/** How deep each event's line sits: a turn's candidates under the turn, the model's reasoning under its candidate. */
const INDENT = { candidate: '  ', why: '    ' } as const;

/** Off a terminal, how often a request that has no answer yet says it is still waiting. */
const WAITING_LINE_EVERY_MS = 10_000;
/** Off a terminal, how often a long test run says how far it got. */
const TESTS_LINE_EVERY_MS = 10_000;

/** The prompt sent in a turn, whole, between two rules, for `--verbose`. */
function wholePrompt(turn: number, user: string): string {
  const system = `the system prompt (${SYSTEM_PROMPT.length.toLocaleString('en-US')} characters, the same in every request)`;
  return `──── prompt of turn ${turn}: ${system}, then this user message ────\n${user.trimEnd()}\n──── end of the prompt of turn ${turn} ────`;
}

export interface ProgressOptions {
  model: string;
  /** stderr is a terminal: waiting and streaming lines are rewritten in place. */
  live: boolean;
  /** Print each turn's prompt whole. */
  verbose?: boolean;
}

/** Turns the loop's events into short progress lines for stderr, in the engine's words. */
export function progressPrinter(write: (text: string) => void, options: ProgressOptions) {
  let streamingLine = false;
  /** Per candidate: how many waiting lines it has printed (off a terminal). */
  const waitingLines = new Map<number, number>();
  /** Per test run (`baseline`, `candidate 2`): how many progress lines it has printed (off a terminal). */
  const testsLines = new Map<string, number>();
  const line = (text: string): void => {
    if (streamingLine) write('\r\x1b[2K');
    streamingLine = false;
    write(`${text}\n`);
  };
  const liveLine = (text: string): void => {
    write(`\r\x1b[2K${INDENT.candidate}${text}`);
    streamingLine = true;
  };
  return (event: RepairEvent): void => {
    const text = describeEvent(event, { model: options.model });
    switch (event.type) {
      case 'baseline-finished':
        line(text.line);
        if (event.candidateTimeLimit) line(describeTimeLimit(event.candidateTimeLimit));
        break;
      case 'tests-progress': {
        // Rewritten in place on a terminal; in a log, a line every ten seconds of a long run.
        const indent = event.stage === 'candidate' ? INDENT.candidate : '';
        if (options.live) {
          write(`\r\x1b[2K${indent}${text.line}`);
          streamingLine = true;
          break;
        }
        const run = `${event.stage} ${event.turn ?? 0}/${event.candidate ?? 0}/${event.focused ? 'focused' : 'full'}`;
        const due = Math.floor(event.elapsedMs / TESTS_LINE_EVERY_MS);
        if (due > (testsLines.get(run) ?? 0)) {
          testsLines.set(run, due);
          line(`${indent}${text.line}`);
        }
        break;
      }
      case 'baseline-held':
      case 'flaky-check-started':
      case 'flaky':
      case 'trace-started':
      case 'trace-finished':
      case 'baseline-started':
      case 'turn-started':
        waitingLines.clear();
        line(text.line);
        break;
      case 'request-waiting': {
        // Every second on a terminal, in place; in a log, a line every ten seconds says the CLI is not stuck.
        if (options.live) liveLine(text.line);
        const due = Math.floor(event.elapsedMs / WAITING_LINE_EVERY_MS);
        if (!options.live && due > (waitingLines.get(event.candidate) ?? 0)) {
          waitingLines.set(event.candidate, due);
          line(`${INDENT.candidate}${text.line}`);
        }
        break;
      }
      case 'request-streaming':
        // Rewritten in place on a terminal; a log file would fill with these.
        if (options.live) liveLine(text.line);
        break;
      case 'candidate-rejected':
      case 'candidate-verified':
        line(`${INDENT.candidate}${text.line}`);
        if (text.why) line(`${INDENT.why}why: ${text.why}`);
        break;
      case 'request-started':
        // Every candidate of a turn gets the same prompt: it is described once.
        if (event.candidate !== 1) break;
        line(`${INDENT.candidate}${text.line}`);
        if (options.verbose) line(wholePrompt(event.turn, event.prompt));
        break;
      case 'request-finished':
      case 'finished':
        // The tokens are summed up at the end, and the end has its own line (main.ts).
        break;
    }
  };
}
