import { describeEvent, type RepairEvent } from '../core';

/** How deep each event's line sits: a turn's candidates under the turn, the model's reasoning under its candidate. */
const INDENT = { candidate: '  ', why: '    ' } as const;

/** Turns the loop's events into short progress lines for stderr, in the engine's words. */
export function progressPrinter(write: (text: string) => void, options: { model: string; live: boolean }) {
  let streamingLine = false;
  const line = (text: string): void => {
    if (streamingLine) write('\r\x1b[2K');
    streamingLine = false;
    write(`${text}\n`);
  };
  return (event: RepairEvent): void => {
    const text = describeEvent(event, { model: options.model });
    switch (event.type) {
      case 'baseline-started':
      case 'baseline-finished':
      case 'flaky-check-started':
      case 'flaky':
      case 'turn-started':
        line(text.line);
        break;
      case 'request-streaming':
        // Rewritten in place on a terminal; a log file would fill with these.
        if (options.live) {
          write(`\r\x1b[2K${INDENT.candidate}${text.line}`);
          streamingLine = true;
        }
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
