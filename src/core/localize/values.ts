/** Runtime values as compact text for the model: each call's arguments, what changed line by line, its end. */
import type { RuntimeValues, TracedCall, ValueStep } from './types';

const DEFAULT_MAX_CHARS = 4000;

/**
 * For example:
 * ```
 * count_matching (counting/core.py:8) while tests/test_counting.py::CountingTests::test_all ran:
 * count_matching(items=[0, 1, 2], predicate=<function is_even>)
 *   line 10: count=0
 *   line 11: index=1
 *   … 14 steps left out …
 *   returned 14
 * ```
 * Each step shows only the locals that changed since the step shown before it. Past `maxChars`, the last
 * lines give way to a note of how many were left out.
 */
export function formatRuntimeValues(values: RuntimeValues, maxChars = DEFAULT_MAX_CHARS): string {
  const { target } = values;
  const name = target.name || '<anonymous>';
  const lines = [`${name} (${target.file}:${target.line}) while ${values.test} ran:`];
  for (const call of values.calls) lines.push(...callLines(shortName(name), call));
  if (values.omittedCalls > 0) {
    lines.push(`… ${count(values.omittedCalls, 'more call')} left out …`);
  }
  return capLines(lines, maxChars);
}

/** `Class.method` is called as `method`; nested functions' `<locals>` are noise. */
function shortName(qualified: string): string {
  return qualified.split('.').pop() ?? qualified;
}

function callLines(name: string, call: TracedCall): string[] {
  const args = Object.entries(call.args).map(([key, value]) => `${key}=${value}`);
  const lines = [`${name}(${args.join(', ')})`];
  const gapAt = call.omittedSteps > 0 ? (call.omittedAt ?? Math.ceil(call.steps.length / 2)) : -1;
  let previous: Record<string, string> = { ...call.args };
  call.steps.forEach((step, index) => {
    if (index === gapAt) lines.push(`  … ${count(call.omittedSteps, 'step')} left out …`);
    lines.push(`  ${stepText(step, previous)}`);
    previous = step.locals;
  });
  if (gapAt >= call.steps.length) lines.push(`  … ${count(call.omittedSteps, 'step')} left out …`);
  if (call.linesStopped) lines.push('  … line tracing stopped here: the call ran too many lines …');
  if (call.raised !== undefined) lines.push(`  raised ${call.raised}`);
  else if (call.returned !== undefined) lines.push(`  returned ${call.returned}`);
  return lines;
}

function stepText(step: ValueStep, previous: Record<string, string>): string {
  const changed = Object.entries(step.locals)
    .filter(([key, value]) => previous[key] !== value)
    .map(([key, value]) => `${key}=${value}`);
  if (step.yielded !== undefined) changed.push(`yielded ${step.yielded}`);
  return changed.length ? `line ${step.line}: ${changed.join(', ')}` : `line ${step.line}`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Whole lines up to `maxChars`, then one line that says how many more there were. */
function capLines(lines: string[], maxChars: number): string {
  const text = lines.join('\n');
  if (text.length <= maxChars) return text;
  const kept: string[] = [];
  let length = 0;
  for (const line of lines) {
    // Room for the closing note, which is at most this long.
    if (length + line.length + 1 > maxChars - 40) break;
    kept.push(line);
    length += line.length + 1;
  }
  kept.push(`… ${lines.length - kept.length} more lines left out …`);
  return kept.join('\n');
}
