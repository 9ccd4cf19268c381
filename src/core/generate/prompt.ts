/**
 * The first turn of a generate run: the model writes the stub's body from its signature, its docs,
 * the tests that call it and the module around it. Later turns are ordinary repair turns.
 */
import type { ChatMessage } from '../model/types';
import { fitPrompt, type KeptText, type PromptPart } from '../repair/prompt-budget';
import { coreSnippetPart, failurePart, snippetsPart } from '../repair/prompt-parts';
import { EDIT_FORMAT, type RepairPrompt } from '../repair/prompt';
import { SETTING_LIMITS } from '../settings';
import type { TestCaseResult } from '../testing/types';
import type { CallingTest } from './calling-tests';
import type { FoundStub } from './target';

export const GENERATE_SYSTEM_PROMPT = `You are Self-repair, a careful programmer. You implement a function that is still a stub, so that the tests that call it pass.

Rules:
- The tests are the specification and are read-only. Never change a test file: a change to a test is rejected.
- Explain before you write. Under the heading "## Explanation", say in a few sentences what the function must do, as its docs and its tests tell, and how you will do it.
- ${EDIT_FORMAT}

- Replace the stub's body; keep its signature and its docs. Add an import or a helper only when the body needs it.
- Write the general behaviour the docs describe; never special-case the tests' inputs.`;

export interface GeneratePromptInput {
  found: FoundStub;
  testCommand: string;
  /** The callers' failures at the baseline: the goal. */
  failing: TestCaseResult[];
  callers: CallingTest[];
  /** Tokens the prompt may hold, system prompt included (estimated). */
  maxTokens?: number;
}

interface Parts {
  stub: PromptPart;
  failures: PromptPart[];
  tests: PromptPart[];
  module: PromptPart;
}

function partsOf(input: GeneratePromptInput): Parts {
  const { found } = input;
  const { stub } = found;
  const snippet = (file: string, startLine: number, endLine: number, text: string, label: string) => ({
    file,
    startLine,
    endLine,
    text,
    label,
    language: found.lang,
  });
  const stubText = found.text.slice(stub.range.startIndex, stub.range.endIndex);
  return {
    stub: coreSnippetPart(
      snippet(
        found.file,
        stub.range.startLine,
        stub.range.endLine,
        stubText,
        `${stub.name}, lines ${stub.range.startLine}-${stub.range.endLine}`,
      ),
    ),
    failures: input.failing.map((test, i) => failurePart(test, i === 0)),
    tests: input.callers.map((caller) =>
      snippetsPart([
        {
          ...snippet(
            caller.file,
            caller.definition.range.startLine,
            caller.definition.range.endLine,
            caller.text,
            `test ${caller.definition.fullName}`,
          ),
          language: found.lang,
        },
      ]),
    ),
    module: snippetsPart([snippet(found.file, 1, found.text.split('\n').length, found.text, 'the whole module')]),
  };
}

function render(input: GeneratePromptInput, parts: Parts, kept: KeptText): string {
  const { stub } = input.found;
  const keptAll = (list: PromptPart[]) => list.map(kept).filter((text): text is string => text !== undefined);
  const placeholder = stub.stubBody ? `its body is only \`${stub.stubBody.split('\n')[0]}\`` : 'its body is empty';
  const sections = [
    `## Function to implement\n\`${stub.name}\` in \`${input.found.file}\`: ${placeholder}.\n\n${kept(parts.stub) ?? ''}`,
  ];
  const tests = keptAll(parts.tests);
  if (tests.length) sections.push(`## Tests that call it (read-only)\n${tests.join('\n\n')}`);
  const failures = keptAll(parts.failures);
  sections.push([`## How they fail now\nTest command: \`${input.testCommand}\``, ...failures].join('\n\n'));
  const module = kept(parts.module);
  if (module) sections.push(`## The module around it\n${module}`);
  sections.push(`Explain what \`${stub.simpleName}\` must do, then write its body.`);
  return sections.join('\n\n');
}

/** The first request of a generate run, within the prompt's token budget (the module is left out first). */
export function buildGeneratePrompt(input: GeneratePromptInput): RepairPrompt {
  const parts = partsOf(input);
  const [first, ...moreFailures] = parts.failures;
  const ordered = [parts.stub, ...(first ? [first] : []), ...parts.tests, ...moreFailures, parts.module];
  const budget = input.maxTokens ?? SETTING_LIMITS.maxPromptTokens.default;
  const { user, fit } = fitPrompt(GENERATE_SYSTEM_PROMPT, ordered, (kept) => render(input, parts, kept), budget);
  const messages: ChatMessage[] = [
    { role: 'system', content: GENERATE_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
  return { messages, ...fit };
}
