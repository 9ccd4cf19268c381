import type { ChatMessage } from '../model/types';
import type { TestCaseResult, TestReport } from '../testing/types';
import { isFailing } from '../testing/types';
import { trimText } from '../text';

/** A piece of the project shown to the model. */
export interface CodeSnippet {
  file: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
  /** Says what the text is, e.g. `function mean, lines 3-9` or `whole file, 20 lines`. */
  label: string;
  language: string;
  /** Snippets of one suspect function (its code, class header, imports) share a group; 0 is the most suspect. */
  group?: number;
}

/** What the previous turn tried and what came of it: the model's own explanation comes back to it. */
export interface TurnFeedback {
  turn: number;
  explanation: string;
  /** The candidate as a diff against the user's original code (empty when it had no usable edits). */
  patch: string;
  rejected?: string;
  report?: TestReport;
  regressions: string[];
  /** Whether the code shown in this turn already contains the previous change. */
  kept: boolean;
}

export interface PromptInput {
  testCommand: string;
  failing: TestCaseResult[];
  tests: CodeSnippet[];
  /** Most suspect first. */
  code: CodeSnippet[];
  /** The runtime values the most suspect function saw while a failing test ran, as text for the model. */
  values?: string;
  previous?: TurnFeedback;
}

export const SYSTEM_PROMPT = `You are Self-repair, a careful debugger. You fix the code under test so that its failing tests pass.

Rules:
- The tests are the specification and are read-only. Never change a test file: a change to a test is rejected.
- Explain before you fix. Under the heading "## Explanation", say in a few sentences what the code does, what the failing test expects, and why the code fails it.
- Then, under "## Fix", give the change as SEARCH/REPLACE blocks, one per change, the file path alone on the line before each block:

path/to/file.ext
<<<<<<< SEARCH
lines copied exactly from the current code, enough to be unique
=======
the lines that replace them
>>>>>>> REPLACE

- Keep the change minimal: fix the cause, do not reformat or rename unrelated code, do not special-case the test's inputs.`;

/** Lines of a failure's text a prompt quotes; its characters are capped by MAX_DETAILS_CHARS. */
const MAX_DETAILS_LINES = 40;

function fence(text: string, language = ''): string {
  const longest = Math.max(2, ...(text.match(/`{3,}/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${language}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

export function describeFailure(test: TestCaseResult): string {
  const parts = [`### ${test.id} (${test.status})`];
  if (test.message) parts.push(`Message: ${test.message}`);
  if (test.expected !== undefined) parts.push(`Expected: ${test.expected}`);
  if (test.actual !== undefined) parts.push(`Actual: ${test.actual}`);
  if (test.details && test.details.trim() !== (test.message ?? '').trim()) {
    parts.push('Output (trimmed):', fence(trimText(test.details, MAX_DETAILS_LINES)));
  }
  return parts.join('\n');
}

function describeSnippet(snippet: CodeSnippet): string {
  return `${snippet.file} (${snippet.label}):\n${fence(snippet.text, snippet.language)}`;
}

function describeRunProblem(report: TestReport): string | undefined {
  if (report.runError) return report.runError;
  if (report.tests.length === 0)
    return `the test command produced no test results; its output ends with:\n${fence(trimText(report.output, 20, 1500))}`;
  return undefined;
}

function describePrevious(previous: TurnFeedback): string {
  const parts = [`## Your previous attempt (turn ${previous.turn})`];
  if (previous.explanation)
    parts.push(
      `Your explanation was:\n${previous.explanation
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n')}`,
    );
  if (previous.patch) parts.push(`Your change, as a diff against the original code:\n${fence(previous.patch, 'diff')}`);
  if (previous.rejected) {
    parts.push(`It was rejected before any test ran: ${previous.rejected}`);
  } else if (previous.report) {
    const { counts } = previous.report;
    parts.push(`With it, the tests ran: ${counts.passed} passed, ${counts.failed + counts.errored} failed.`);
    if (previous.regressions.length) {
      parts.push(`It broke tests that passed before: ${previous.regressions.join(', ')}.`);
    }
    const problem = describeRunProblem(previous.report);
    if (problem) parts.push(`The test run went wrong: ${problem}`);
    const failures = previous.report.tests.filter(isFailing);
    if (!previous.kept && failures.length) {
      // These failures belong to code the model will not see again, so they are shown here.
      parts.push(`Failures with your change:\n\n${failures.slice(0, 5).map(describeFailure).join('\n\n')}`);
    }
  }
  parts.push(
    previous.kept
      ? 'The code below already contains that change; build on it.'
      : 'That change was set aside: the code below is the original code.',
  );
  return parts.join('\n\n');
}

/** One user message per turn, built afresh: the loop stays shallow and the prompt stays bounded. */
export function buildRepairPrompt(input: PromptInput): ChatMessage[] {
  const sections: string[] = [];
  if (input.previous) sections.push(describePrevious(input.previous));
  const heading = input.previous ? '## Tests that still fail' : '## Failing tests';
  sections.push(
    `${heading}\nTest command: \`${input.testCommand}\`\n\n${input.failing.map(describeFailure).join('\n\n')}`,
  );
  if (input.tests.length) sections.push(`## Test code (read-only)\n${input.tests.map(describeSnippet).join('\n\n')}`);
  if (input.code.length) sections.push(`## Code under test\n${input.code.map(describeSnippet).join('\n\n')}`);
  sections.push('Explain why the failing tests fail, then fix the code under test.');
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: sections.join('\n\n') },
  ];
}

export function failingTests(report: TestReport, focus?: readonly string[]): TestCaseResult[] {
  const failing = report.tests.filter(isFailing);
  return focus?.length ? failing.filter((t) => focus.includes(t.id)) : failing;
}
