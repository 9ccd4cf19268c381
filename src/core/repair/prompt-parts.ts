/** The pieces a repair prompt is made of, each as text the model reads and as a part the budget can weigh. */
import type { TestCaseResult, TestReport } from '../testing/types';
import { MAX_DETAILS_CHARS, trimText } from '../text';
import { cutLines, type PromptPart } from './prompt-budget';
import type { CodeSnippet } from './prompt';

/** Lines of a failure's text a prompt quotes; its characters are capped by MAX_DETAILS_CHARS. */
const MAX_DETAILS_LINES = 40;
/** Room for the output's heading and fences when a failure is cut. */
const OUTPUT_FRAME_CHARS = 40;
/** Below this much room a cut failure keeps its message and drops its output. */
const MIN_OUTPUT_CHARS = 120;

export function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

/**
 * A failing test as the model reads it: id, message, expected and actual, and its output. Given
 * `maxChars`, the output is cut first (keeping its tail, where a Python trace ends with the error),
 * then the lines above it.
 */
export function describeFailure(test: TestCaseResult, maxChars = Number.POSITIVE_INFINITY): string {
  const lines = [`### ${test.id} (${test.status})`];
  if (test.message) lines.push(`Message: ${test.message}`);
  if (test.expected !== undefined) lines.push(`Expected: ${test.expected}`);
  if (test.actual !== undefined) lines.push(`Actual: ${test.actual}`);
  const head = lines.join('\n');
  const details =
    test.details?.trim() !== (test.message ?? '').trim()
      ? test.details
          ?.replace(/\r\n/g, '\n')
          .replace(/^(?:[ \t]*\n)+/, '')
          .trimEnd()
      : undefined;
  const withOutput = (text: string): string => `${head}\nOutput (trimmed):\n${fence(text)}`;
  if (!details) return cutLines(head, maxChars);
  const whole = withOutput(trimText(details, MAX_DETAILS_LINES));
  if (whole.length <= maxChars) return whole;
  const room = Math.min(maxChars - Math.min(head.length, maxChars / 2) - OUTPUT_FRAME_CHARS, MAX_DETAILS_CHARS);
  if (room < MIN_OUTPUT_CHARS) return cutLines(head, maxChars);
  const cutHead = cutLines(head, maxChars - room - OUTPUT_FRAME_CHARS);
  // Cut from the whole output, so that the marker counts every line left out.
  const output = cutLines(details, room, 0.25, MAX_DETAILS_LINES);
  return `${cutHead}\nOutput (trimmed):\n${fence(output)}`;
}

export function describeSnippet(snippet: CodeSnippet): string {
  return `${snippet.file} (${snippet.label}):\n${fence(snippet.text, snippet.language)}`;
}

/** `function foo (more_itertools/more.py)`: the snippet's label up to its first comma, and its file. */
function snippetName(snippet: CodeSnippet): string {
  return `${snippet.label.split(/[,;]/)[0]!.trim()} (${snippet.file})`;
}

/** A failure as a part; the first one shown is a core part, cut rather than left out. */
export function failurePart(test: TestCaseResult, core: boolean): PromptPart {
  return {
    name: `failure of ${test.id}`,
    text: describeFailure(test),
    ...(core && { trim: (maxChars: number) => describeFailure(test, maxChars) }),
  };
}

/** A snippet of the most suspect code as a core part: cut (its head and tail kept) rather than left out. */
export function coreSnippetPart(snippet: CodeSnippet): PromptPart {
  const text = describeSnippet(snippet);
  const frame = text.length - snippet.text.length;
  return {
    name: snippetName(snippet),
    text,
    trim: (maxChars) => describeSnippet({ ...snippet, text: cutLines(snippet.text, maxChars - frame) }),
  };
}

/** Snippets kept or left out together (one suspect function with its class header and imports, or one test). */
export function snippetsPart(snippets: CodeSnippet[]): PromptPart {
  const largest = snippets.reduce((a, b) => (b.text.length > a.text.length ? b : a));
  return { name: snippetName(largest), text: snippets.map(describeSnippet).join('\n\n') };
}

/**
 * The code under test in order of suspicion: snippets sharing a `group` together, lower groups
 * first; a snippet without a group is ranked where it stands, after the groups before it.
 */
export function rankedGroups(code: readonly CodeSnippet[]): CodeSnippet[][] {
  const groups = new Map<number, CodeSnippet[]>();
  let highest = -1;
  for (const snippet of code) {
    const group = snippet.group ?? highest + 1;
    highest = Math.max(highest, group);
    groups.set(group, [...(groups.get(group) ?? []), snippet]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, snippets]) => snippets);
}

export function quote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}

/** At most this many tests a previous change broke are named. */
const LISTED_REGRESSIONS = 10;

export function describeRegressions(ids: readonly string[]): string {
  const more = ids.length > LISTED_REGRESSIONS ? ` and ${ids.length - LISTED_REGRESSIONS} more` : '';
  return `It broke tests that passed before: ${ids.slice(0, LISTED_REGRESSIONS).join(', ')}${more}.`;
}

export function describeRunProblem(report: TestReport): string | undefined {
  if (report.runError) return report.runError;
  if (report.tests.length === 0)
    return `the test command produced no test results; its output ends with:\n${fence(trimText(report.output, 20, 1500))}`;
  return undefined;
}
