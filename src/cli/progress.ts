import { describeEvent, describeTimeLimit, type RepairEvent } from '../core';

/** How deep each event's line sits: a turn's candidates under the turn, the model's reasoning under its candidate. */
const INDENT = { candidate: '  ', why: '    ' } as const;

/** Off a terminal, how often a request that has no answer yet says it is still waiting. */
const WAITING_LINE_EVERY_MS = 10_000;

/** Turns the loop's events into short progress lines for stderr, in the engine's words. */
export function progressPrinter(write: (text: string) => void, options: { model: string; live: boolean }) {
  let streamingLine = false;
  /** Per candidate: how many waiting lines it has printed (off a terminal). */
  const waitingLines = new Map<number, number>();
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
      case 'flaky-check-started':
      case 'flaky':
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
      case 'request-finished':
      case 'finished':
        // The tokens are summed up at the end, and the end has its own line (main.ts).
        break;
    }
  };
}
