/**
 * The tests that exercise a stub: test functions, in the framework's test files (and the stub's own
 * file, where Rust keeps its unit tests), whose code calls the stub by name. Their failures at the
 * baseline are what the new code must fix; tests failing for other reasons are not its business.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { testDefinitionFor } from '../localize/test-code';
import { listProjectTree } from '../sandbox/tree';
import { calledNames, findTestDefinitions, languageForFile, type TestDefinition } from '../syntax';
import type { FrameworkAdapter } from '../testing';
import { isFailing, type TestCaseResult, type TestReport } from '../testing/types';

/** A test that calls the stub, with its code for the prompt. */
export interface CallingTest {
  file: string;
  definition: TestDefinition;
  text: string;
}

export interface CallingTests {
  callers: CallingTest[];
  /** Every test definition of the files holding a caller, to place the report's tests among them. */
  definitions: Map<string, TestDefinition[]>;
}

/** Test files the adapter recognizes, plus `stubFile`, read from the project folder; only those naming the stub are parsed. */
export async function findCallingTests(
  projectRoot: string,
  adapter: FrameworkAdapter,
  stubFile: string,
  simpleName: string,
): Promise<CallingTests> {
  const { files } = await listProjectTree(projectRoot);
  const candidates = new Set([...files.filter((f) => adapter.isTestFile(f)), stubFile]);
  const callers: CallingTest[] = [];
  const definitions = new Map<string, TestDefinition[]>();
  for (const file of candidates) {
    const lang = languageForFile(file);
    const text = lang && (await readFile(path.join(projectRoot, file), 'utf8').catch(() => undefined));
    if (!lang || !text?.includes(simpleName)) continue;
    const defs = await findTestDefinitions(text, file, lang);
    const found: CallingTest[] = [];
    for (const definition of defs.filter((d) => d.kind === 'test')) {
      const code = text.slice(definition.range.startIndex, definition.range.endIndex);
      if ((await calledNames(code, lang)).includes(simpleName)) found.push({ file, definition, text: code });
    }
    if (found.length) {
      callers.push(...found);
      definitions.set(file, defs);
    }
  }
  return { callers, definitions };
}

/** The baseline's failing tests whose definition is one of the callers (matched by name when the report has no file). */
export function failingCallers(baseline: TestReport, found: CallingTests): string[] {
  return callersIn(baseline, found, isFailing).map((test) => test.id);
}

/**
 * Whether every caller ran and passed: what a stub whose package did not build at the baseline (a Go
 * stub leaves its imports unused) must come to, since its callers never ran to fail.
 */
export function callersPass(report: TestReport, found: CallingTests): boolean {
  const passed = callersIn(report, found, (test) => test.status === 'passed');
  return found.callers.every((caller) =>
    passed.some((test) => (test.file ? test.file === caller.file : true) && sameTest(test, caller, found)),
  );
}

function sameTest(test: TestCaseResult, caller: CallingTest, found: CallingTests): boolean {
  const defs = test.file ? found.definitions.get(test.file) : undefined;
  if (!defs) return test.name === caller.definition.name;
  return testDefinitionFor(test, defs)?.range.startIndex === caller.definition.range.startIndex;
}

/** The report's tests, kept by `keep`, whose definition is one of the callers. */
function callersIn(report: TestReport, found: CallingTests, keep: (test: TestCaseResult) => boolean): TestCaseResult[] {
  const isCaller = (file: string, def: TestDefinition | undefined): boolean =>
    !!def && found.callers.some((c) => c.file === file && c.definition.range.startIndex === def.range.startIndex);
  return report.tests.filter(keep).filter((test) => {
    if (test.file && found.definitions.has(test.file)) {
      return isCaller(test.file, testDefinitionFor(test, found.definitions.get(test.file)!));
    }
    if (test.file) return false;
    return found.callers.filter((c) => c.definition.name === test.name).length === 1;
  });
}
