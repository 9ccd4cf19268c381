import { trimText } from '../text';
import { toFrame } from './frames';
import type { StackFrame, TestCaseResult, TestCounts } from './types';

/* Reading pytest's failures, whether from its JUnit report or its console: message, frames, operands. */

/** The results of one pytest run as a report or the console gives them; counts when the console states them. */
export interface PytestResults {
  tests: TestCaseResult[];
  counts?: TestCounts;
}

/** Fills message, details, frames and expected/actual from a failure's message and trace text. */
export function describeFailure(
  result: TestCaseResult,
  message: string | undefined,
  trace: string,
  root: string,
): void {
  const text = trace.trim();
  const errorLine = firstErrorLine(text);
  const firstLine = message?.trim().split('\n')[0]?.trim();
  const generic = !firstLine || firstLine === 'collection failure';
  const shown = generic ? errorLine : firstLine;
  if (shown) result.message = shown;
  if (text) result.details = trimText(text);
  result.frames = pythonFrames(text, root);
  const operands = assertionOperands(message ?? '') ?? assertionOperands(text);
  if (operands) {
    result.actual = operands.actual;
    result.expected = operands.expected;
  }
}

/** The first `E   ...` line of a pytest trace: the exception as Python printed it. */
export function firstErrorLine(trace: string): string | undefined {
  const match = /^E\s+(\S.*)$/m.exec(trace);
  return match?.[1]?.trim();
}

/**
 * Frames from a pytest or plain Python traceback, innermost first. pytest's long form prints a frame's
 * source (starting at its `def`) and then `path.py:12: ErrorType`, so the function name is taken from
 * the last `def` seen; the short and native forms name it on the location line.
 */
export function pythonFrames(trace: string, root: string): StackFrame[] {
  const frames: StackFrame[] = [];
  let lastDef: string | undefined;
  const push = (file: string, line: string, functionName: string | undefined) => {
    const frame = toFrame(root, file, Number(line), undefined, functionName);
    const previous = frames[frames.length - 1];
    if (!previous || previous.file !== frame.file || previous.line !== frame.line) frames.push(frame);
  };
  for (const raw of trace.split(/\r?\n/)) {
    const line = raw.trimEnd();
    let match: RegExpExecArray | null;
    if (/^_( _)+$/.test(line)) {
      lastDef = undefined;
    } else if ((match = /^\s*File "(.+?)", line (\d+)(?:, in (.+))?$/.exec(line))) {
      push(match[1]!, match[2]!, match[3]);
    } else if ((match = /^((?:[A-Za-z]:)?[^\s:][^:]*?\.py):(\d+):(?: in (\S+)| .*)?$/.exec(line))) {
      push(match[1]!, match[2]!, match[3] ?? lastDef);
      lastDef = undefined;
    } else if ((match = /^(?:>)?\s*(?:async\s+)?def\s+(\w+)\s*\(/.exec(line))) {
      lastDef = match[1];
    }
  }
  return frames.reverse();
}

/**
 * Operands of the first `assert left == right` in pytest's rewritten message: what the code produced
 * (left) and what the test wanted (right).
 */
export function assertionOperands(text: string): { actual: string; expected: string } | undefined {
  for (const line of text.split(/\r?\n/)) {
    // Unindented or `E` lines only: indented ones are source code quoted in the trace, not the failure.
    const match = /^(?:E\s+)?(?:AssertionError: )?assert (.+)$/.exec(line.trimEnd());
    if (!match) continue;
    const parts = splitTopLevel(match[1]!, ' == ');
    return parts.length === 2 ? { actual: parts[0]!.trim(), expected: parts[1]!.trim() } : undefined;
  }
  return undefined;
}

/** Splits at `separator` outside quotes and brackets, so `'a == b' == x` has two operands, not three. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if ('([{'.includes(char)) {
      depth++;
    } else if (')]}'.includes(char)) {
      depth--;
    } else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i = start - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
