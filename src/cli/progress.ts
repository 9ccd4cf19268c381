import { firstSentence } from '../core/text';
import type { RepairEvent } from '../core/repair/types';

/** Turns the loop's events into short progress lines for stderr. */
export function progressPrinter(write: (text: string) => void, options: { model: string; live: boolean }) {
  let streamingLine = false;
  const line = (text: string): void => {
    if (streamingLine) write('\r\x1b[2K');
    streamingLine = false;
    write(`${text}\n`);
  };
  /** The model's own account of the bug, shortened to its first sentence. */
  const explain = (explanation: string): void => {
    const first = firstSentence(explanation);
    if (first) line(`    why: ${first}`);
  };
  return (event: RepairEvent): void => {
    switch (event.type) {
      case 'baseline-started':
        line(`running tests (${event.framework}): ${event.command}`);
        break;
      case 'baseline-finished': {
        const { counts, runError, tests } = event.report;
        const failing = event.failing.length
          ? `; failing: ${event.failing.slice(0, 5).join(', ')}${event.failing.length > 5 ? ', …' : ''}`
          : '';
        const outcome =
          tests.length || !runError ? `${counts.passed} passed, ${counts.failed + counts.errored} failed` : runError;
        line(`before: ${outcome}${failing}`);
        break;
      }
      case 'turn-started':
        line(`turn ${event.turn}/${event.maxTurns}: asking ${options.model}`);
        break;
      case 'request-streaming':
        if (options.live) {
          write(`\r\x1b[2K  candidate ${event.candidate}: receiving… ${event.chars} chars`);
          streamingLine = true;
        }
        break;
      case 'candidate-rejected':
        line(`  candidate ${event.candidate.index}: rejected: ${event.reason}`);
        explain(event.candidate.explanation);
        break;
      case 'candidate-verified': {
        const c = event.candidate;
        const verdict = c.fixed
          ? 'all pass'
          : c.regressions.length
            ? `breaks ${c.regressions.length} passing test(s)`
            : 'still failing';
        line(`  candidate ${c.index}: ${event.passed} passed, ${event.failed} failed (${verdict})`);
        explain(c.explanation);
        break;
      }
      case 'finished':
      case 'request-started':
      case 'request-finished':
        break;
    }
  };
}
