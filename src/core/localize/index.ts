import { calledNames, findTestDefinitions, languageForFile } from '../syntax';
import { identifiersIn } from '../syntax/imports';
import type { CodeRange, LanguageId } from '../syntax/types';
import type { TestCaseResult } from '../testing/types';
import type { CodeSnippet } from '../repair/prompt';
import { fenceLanguage, suspectSnippets } from './context';
import { importedCode } from './imports';
import { SuspectList } from './rank';
import { answersTo, noteFrames, noteNamedFunctions, noteSpectrum, smallestFiles, type TestNames } from './signals';
import { simpleName, Sources } from './sources';
import { testDefinitionFor, testPath } from './test-code';
import type { CoverageSpectrum, TraceTarget } from './types';

export interface LocalizeInput {
  failing: TestCaseResult[];
  /** Project-relative paths of the code that may be changed (test files excluded). */
  sourceFiles: string[];
  isTestFile(relPath: string): boolean;
  readFile(relPath: string): Promise<string | undefined>;
  /** The functions the failing (and some passing) tests executed, when a tracer could tell. */
  spectrum?: CoverageSpectrum;
}

export interface Localization {
  /** The failing tests' own code, shown read-only. */
  tests: CodeSnippet[];
  /** The code under test, by suspect: each suspect's snippets share a `group`, 0 the most suspect. */
  code: CodeSnippet[];
  /** Files of `code`, most suspect first: edits that name no file go to these. */
  focusFiles: string[];
  /** The most suspect function, for a tracer to watch; absent when the top suspect is module-level code. */
  top?: TraceTarget;
}

/** Suspects shown; the prompt's budget may keep fewer. */
const MAX_SUSPECTS = 6;
const MAX_TESTS = 8;

/**
 * Maps failures to the functions most likely at fault, and shows each one with what it needs to be
 * read: ranked by the coverage spectrum when there is one, boosted by the failure's frames and by
 * the names the failing tests call; without a spectrum by frames, then the functions the tests name
 * in what they import, then those they call anywhere, and only then the smallest files.
 */
export async function localize(input: LocalizeInput): Promise<Localization> {
  const sources = new Sources(input.sourceFiles, (file) => input.readFile(file));
  const isSource = (file: string): boolean => sources.sourceSet.has(file) && !input.isTestFile(file);
  const names: TestNames = { called: new Set(), mentioned: new Set(), importedFiles: new Set() };
  const tests: CodeSnippet[] = [];
  const suspects = new SuspectList();
  for (const test of input.failing) {
    const code = await failingTestCode(test, sources);
    if (code) {
      if (tests.length < MAX_TESTS) tests.push(code.snippet);
      await addNames(names, code, sources);
    }
    await noteFrames(suspects, test, sources, isSource);
  }
  // A spectrum that names no project function (a tracer that saw nothing) is no spectrum.
  const traced = input.spectrum ? await noteSpectrum(suspects, input.spectrum, sources, isSource) : 0;
  if (traced === 0) await noteNamedFunctions(suspects, names, sources, isSource);
  suspects.markNames(
    (fn) => answersTo(fn, names.called),
    (fn) => names.importedFiles.has(fn.file) && answersTo(fn, names.mentioned),
  );
  let ranked = suspects.ranked(MAX_SUSPECTS);
  if (ranked.length === 0) ranked = await smallestFiles(sources, isSource, MAX_SUSPECTS);
  const code = await suspectSnippets(ranked, sources);
  const first = ranked[0];
  const top =
    first && !first.moduleLevel
      ? { file: first.fn.file, name: first.fn.name, line: first.fn.range.startLine }
      : undefined;
  return { tests, code, focusFiles: [...new Set(code.map((s) => s.file))], ...(top ? { top } : {}) };
}

interface FailingTestCode {
  snippet: CodeSnippet;
  lang: LanguageId;
  /** The whole test file's text; the test's definition is `range` of it. */
  fileText: string;
  range: CodeRange;
}

/** The failing test's own definition; when it cannot be found, nothing (never another test's code). */
async function failingTestCode(test: TestCaseResult, sources: Sources): Promise<FailingTestCode | undefined> {
  const lang = test.file ? languageForFile(test.file) : undefined;
  const text = test.file && lang ? await sources.read(test.file) : undefined;
  if (!test.file || !lang || text === undefined) return undefined;
  const def =
    testDefinitionFor(test, await findTestDefinitions(text, test.file, lang)) ??
    (await definitionOnTheStack(test, test.file, sources));
  if (!def) return undefined;
  const { range } = def;
  const snippet: CodeSnippet = {
    file: test.file,
    startLine: range.startLine,
    endLine: range.endLine,
    text: text.slice(range.startIndex, range.endIndex),
    label: `test ${def.fullName}, lines ${range.startLine}-${range.endLine}`,
    language: fenceLanguage[lang],
  };
  return { snippet, lang, fileText: text, range };
}

/**
 * The test's definition found through its own traceback: the function of the test file, around one
 * of the failure's frames, that bears the test's name (a parametrized id's `[...]` aside).
 */
async function definitionOnTheStack(
  test: TestCaseResult,
  file: string,
  sources: Sources,
): Promise<{ fullName: string; range: CodeRange } | undefined> {
  const name = testPath(test).name;
  const functions = await sources.functions(file);
  for (const frame of [...test.frames].reverse()) {
    if (frame.file !== file) continue;
    const fn = functions.find(
      (f) => simpleName(f.name) === name && f.range.startLine <= frame.line && frame.line <= f.range.endLine,
    );
    if (fn) return { fullName: fn.name.replace(/\./g, '::'), range: fn.range };
  }
  return undefined;
}

/** The names the test calls and mentions (under the names their modules give them) and the files it imports. */
async function addNames(names: TestNames, code: FailingTestCode, sources: Sources): Promise<void> {
  const { file } = code.snippet;
  const imported = await importedCode(file, sources);
  for (const f of imported.files) names.importedFiles.add(f);
  const add = (set: Set<string>, name: string): void => {
    set.add(name);
    const original = imported.renamed.get(name);
    if (original) set.add(original);
  };
  for (const name of await calledNames(code.snippet.text, code.lang)) add(names.called, name);
  for (const name of await identifiersIn(code.fileText, code.lang, code.range, { properties: true }))
    add(names.mentioned, name);
}
