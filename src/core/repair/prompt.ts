import type { ChatMessage } from '../model/types';
import { SETTING_LIMITS } from '../settings';
import type { TestCaseResult, TestReport } from '../testing/types';
import { isFailing } from '../testing/types';
import { cutLines, fitPrompt, type KeptText, type PromptFit, type PromptPart } from './prompt-budget';
import {
  coreSnippetPart,
  describeFailure,
  describeRegressions,
  describeRunProblem,
  failurePart,
  fence,
  quote,
  rankedGroups,
  snippetsPart,
} from './prompt-parts';

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
  /** Ids of the failing tests that turn was shown. */
  failing?: string[];
}

/** An earlier candidate that failed, for the memory of attempts. */
export interface AttemptNote {
  /** `candidate 2 of turn 1`. */
  name: string;
  /** As a diff against the original code; empty when it had no usable edits. */
  patch: string;
  /** One line, e.g. `the tests still fail: test_mean (3 passed, 1 failed)`. */
  failedBecause: string;
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
  /** Earlier candidates that failed (other than `previous`), most recent first. */
  attempts?: AttemptNote[];
  /** Tokens the prompt may hold, system prompt included (estimated); the settings' default when absent. */
  maxTokens?: number;
}

/** How a reply gives its change, the same for repairing and for generating: the parser reads this form first. */
export const EDIT_FORMAT = `Then, under "## Fix", give the change as SEARCH/REPLACE blocks, one per change, the file path alone on the line before each block:

path/to/file.ext
<<<<<<< SEARCH
lines copied exactly from the current code, enough to be unique
=======
the lines that replace them
>>>>>>> REPLACE`;

export const SYSTEM_PROMPT = `You are Self-repair, a careful debugger. You fix the code under test so that its failing tests pass.

Rules:
- The tests are the specification and are read-only. Never change a test file: a change to a test is rejected.
- Explain before you fix. Under the heading "## Explanation", say in a few sentences what the code does, what the failing test expects, and why the code fails it.
- ${EDIT_FORMAT}

- Keep the change minimal: fix the cause, do not reformat or rename unrelated code, do not special-case the test's inputs.`;

export interface RepairPrompt extends PromptFit {
  /** The system prompt, then the user message. */
  messages: ChatMessage[];
}

/** The user message's parts; `values` and each list may be empty. */
interface Parts {
  explanation?: PromptPart;
  diff?: PromptPart;
  /** The previous attempt's failures, shown when its change was set aside. */
  attemptFailures: PromptPart[];
  /** The first is a core part. */
  failures: PromptPart[];
  values?: PromptPart;
  tests: PromptPart[];
  /** The most suspect code, snippet by snippet: core parts. */
  topCode: PromptPart[];
  /** The further suspects, a group per part. */
  moreCode: PromptPart[];
  /** Earlier failed candidates, most recent first. */
  attempts: PromptPart[];
}

function partsOf(input: PromptInput): Parts {
  const [top = [], ...more] = rankedGroups(input.code);
  const previous = input.previous;
  const attemptFailures =
    previous && !previous.kept && !previous.rejected && previous.report
      ? previous.report.tests
          .filter(isFailing)
          .slice(0, 5)
          .map((test) => ({ ...failurePart(test, false), name: `failure of ${test.id} with your change` }))
      : [];
  return {
    ...(previous?.explanation ? { explanation: explanationPart(previous.explanation) } : {}),
    ...(previous?.patch ? { diff: diffPart(previous.patch) } : {}),
    attemptFailures,
    failures: input.failing.map((test, i) => (i === 0 ? failurePart(test, true) : furtherFailurePart(test))),
    ...(input.values?.trim() ? { values: valuesPart(input.values, !!previous?.kept) } : {}),
    tests: input.tests.map((snippet) => snippetsPart([snippet])),
    topCode: top.map(coreSnippetPart),
    moreCode: more.map(snippetsPart),
    attempts: (input.attempts ?? []).map(attemptPart),
  };
}

/** Most valuable first: the core, then the further failures, runtime values, test code, further suspects. */
function inOrderOfValue(parts: Parts): PromptPart[] {
  const [first, ...moreFailures] = parts.failures;
  return [
    ...(first ? [first] : []),
    ...parts.topCode,
    ...(parts.explanation ? [parts.explanation] : []),
    ...(parts.diff ? [parts.diff] : []),
    ...parts.attempts,
    ...moreFailures,
    ...(parts.values ? [parts.values] : []),
    ...parts.tests,
    ...parts.moreCode,
    ...parts.attemptFailures,
  ];
}

/**
 * Failures after the first are often the same bug seen again: each is shown briefly, and together
 * they take at most a quarter of the budget, so that they never crowd out the code and the test.
 */
const FURTHER_FAILURES = { chars: 800, share: 0.25 } as const;

function furtherFailurePart(test: TestCaseResult): PromptPart {
  return {
    name: `failure of ${test.id}`,
    text: describeFailure(test, FURTHER_FAILURES.chars),
    pool: { kind: 'further failures', share: FURTHER_FAILURES.share },
  };
}

function explanationPart(explanation: string): PromptPart {
  const lead = 'Your explanation was:\n';
  return {
    name: 'your previous explanation',
    text: `${lead}${quote(explanation)}`,
    trim: (maxChars) => `${lead}${cutLines(quote(explanation), maxChars - lead.length)}`,
  };
}

function diffPart(patch: string): PromptPart {
  const lead = 'Your change, as a diff against the original code:\n';
  return {
    name: 'your previous change',
    text: `${lead}${fence(patch, 'diff')}`,
    trim: (maxChars) => `${lead}${fence(cutLines(patch, maxChars - lead.length - 20), 'diff')}`,
  };
}

/**
 * Earlier attempts: each diff short, together at most a fifth of the budget, so the memory never
 * crowds out the failure and the code; the most recent are kept first.
 */
const EARLIER_ATTEMPTS = { diffChars: 1200, share: 0.2 } as const;

function attemptPart(attempt: AttemptNote): PromptPart {
  const head = `### ${attempt.name} failed because ${attempt.failedBecause}`;
  const diff = attempt.patch ? `\n${fence(cutLines(attempt.patch, EARLIER_ATTEMPTS.diffChars), 'diff')}` : '';
  return {
    name: `earlier attempt ${attempt.name}`,
    text: `${head}${diff}`,
    pool: { kind: 'earlier attempts', share: EARLIER_ATTEMPTS.share },
  };
}

function valuesPart(values: string, codeChanged: boolean): PromptPart {
  const heading = codeChanged
    ? '## Runtime values (from the failing test, observed on the original code, before your change)'
    : '## Runtime values (from the failing test)';
  return { name: 'runtime values', text: `${heading}\n${fence(values)}` };
}

function renderPrevious(previous: TurnFeedback, parts: Parts, kept: KeptText): string {
  const lines = [`## Your previous attempt (turn ${previous.turn})`];
  for (const part of [parts.explanation, parts.diff]) if (part && kept(part)) lines.push(kept(part)!);
  if (previous.rejected) {
    lines.push(`It was rejected before any test ran: ${previous.rejected}`);
  } else if (previous.report) {
    const { counts } = previous.report;
    lines.push(`With it, the tests ran: ${counts.passed} passed, ${counts.failed + counts.errored} failed.`);
    if (previous.regressions.length) lines.push(describeRegressions(previous.regressions));
    const problem = describeRunProblem(previous.report);
    if (problem) lines.push(`The test run went wrong: ${problem}`);
    // These failures belong to code the model will not see again, so they are shown here.
    const failures = keptTexts(parts.attemptFailures, kept);
    if (failures.length) lines.push(`Failures with your change:\n\n${failures.join('\n\n')}`);
  }
  lines.push(
    previous.kept
      ? 'The code below already contains that change; build on it.'
      : 'That change was set aside: the code below is the original code.',
  );
  return lines.join('\n\n');
}

function keptTexts(parts: readonly PromptPart[], kept: KeptText): string[] {
  return parts.map(kept).filter((text): text is string => text !== undefined);
}

const EARLIER_ATTEMPTS_HEADING =
  '## Earlier attempts that failed\nThese changes were tried and verified by the tests; none fixed them. Do not propose them again.';

/** The user message in reading order, with the parts the budget kept. */
function renderUser(input: PromptInput, parts: Parts, kept: KeptText): string {
  const sections: string[] = [];
  if (input.previous) sections.push(renderPrevious(input.previous, parts, kept));
  const heading = input.previous ? '## Tests that still fail' : '## Failing tests';
  const failures = keptTexts(parts.failures, kept);
  sections.push([`${heading}\nTest command: \`${input.testCommand}\``, ...failures].join('\n\n'));
  const tests = keptTexts(parts.tests, kept);
  if (tests.length) sections.push(`## Test code (read-only)\n${tests.join('\n\n')}`);
  const code = keptTexts([...parts.topCode, ...parts.moreCode], kept);
  if (code.length) sections.push(`## Code under test\n${code.join('\n\n')}`);
  const values = parts.values && kept(parts.values);
  if (values) sections.push(values);
  // Shown oldest first, as they happened; kept most recent first when the budget is short.
  const attempts = keptTexts([...parts.attempts].reverse(), kept);
  if (attempts.length) sections.push([EARLIER_ATTEMPTS_HEADING, ...attempts].join('\n\n'));
  sections.push(
    attempts.length
      ? 'Explain why the failing tests fail, then fix the code under test with a different approach from the earlier attempts.'
      : 'Explain why the failing tests fail, then fix the code under test.',
  );
  return sections.join('\n\n');
}

/**
 * One user message per turn, built afresh: the loop stays shallow. It holds what is worth most
 * within `input.maxTokens` (system prompt included), and says what it left out.
 */
export function buildRepairPrompt(input: PromptInput): RepairPrompt {
  const budget = input.maxTokens ?? SETTING_LIMITS.maxPromptTokens.default;
  const parts = partsOf(input);
  const { user, fit } = fitPrompt(
    SYSTEM_PROMPT,
    inOrderOfValue(parts),
    (kept) => renderUser(input, parts, kept),
    budget,
  );
  return {
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: user },
    ],
    ...fit,
  };
}

export function failingTests(report: TestReport, focus?: readonly string[]): TestCaseResult[] {
  const failing = report.tests.filter(isFailing);
  return focus?.length ? failing.filter((t) => focus.includes(t.id)) : failing;
}
