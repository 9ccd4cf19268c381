import { calledNames, enclosingFunction, findTestDefinitions, languageForFile, listFunctions } from '../syntax';
import type { FunctionInfo, LanguageId } from '../syntax/types';
import type { TestCaseResult } from '../testing/types';
import type { CodeSnippet } from '../repair/prompt';
import { testDefinitionFor } from './test-code';

export interface LocalizeInput {
  failing: TestCaseResult[];
  /** Project-relative paths of the code that may be changed (test files excluded). */
  sourceFiles: string[];
  isTestFile(relPath: string): boolean;
  readFile(relPath: string): Promise<string | undefined>;
}

export interface Localization {
  /** The failing tests' own code, shown read-only. */
  tests: CodeSnippet[];
  /** The code under test that the failures point at. */
  code: CodeSnippet[];
  /** Files of `code`, most relevant first: edits that name no file go to these. */
  focusFiles: string[];
}

/** Files up to this size are shown whole: the model sees imports and helpers, and edits stay unambiguous. */
const WHOLE_FILE_LINES = 200;
/** Source files scanned for functions a test calls, when no frame points into the code. */
const MAX_SCANNED_FILES = 300;
const MAX_SNIPPETS = 8;

const fenceLanguage: Record<LanguageId, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  tsx: 'tsx',
  rust: 'rust',
};

function lineCount(text: string): number {
  return text.replace(/\n$/, '').split('\n').length;
}

/** What the failures point at so far; files are read once. */
class Findings {
  private readonly texts = new Map<string, string | undefined>();
  readonly functions = new Map<string, FunctionInfo>();
  readonly wholeFiles = new Set<string>();
  readonly tests: CodeSnippet[] = [];
  /** Names the failing tests call: where to look when no frame points into the code. */
  readonly wanted = new Set<string>();

  constructor(private readonly readFile: (relPath: string) => Promise<string | undefined>) {}

  async read(file: string): Promise<string | undefined> {
    if (!this.texts.has(file)) this.texts.set(file, await this.readFile(file));
    return this.texts.get(file);
  }

  addFunction(fn: FunctionInfo): void {
    const key = `${fn.file}:${fn.range.startLine}`;
    if (!this.functions.has(key) && this.functions.size < MAX_SNIPPETS) this.functions.set(key, fn);
  }

  get pointsNowhere(): boolean {
    return this.functions.size === 0 && this.wholeFiles.size === 0;
  }
}

/**
 * Maps failures to the code they run through: frames inside the project's code first (innermost
 * last in a traceback, so reversed), then the functions the failing test calls, found by name.
 */
export async function localize(input: LocalizeInput): Promise<Localization> {
  const found = new Findings((file) => input.readFile(file));
  for (const test of input.failing) {
    await addTestCode(found, test);
    await followFrames(found, test, input);
  }
  if (found.pointsNowhere && found.wanted.size > 0) await addCalledFunctions(found, input.sourceFiles);
  // Nothing pointed anywhere: show the smallest source files, which is better than nothing.
  if (found.pointsNowhere) await addSmallestFiles(found, input.sourceFiles);
  return snippetsOf(found);
}

/** The failing test's own definition, found by name (or by line), and the names it calls. */
async function addTestCode(found: Findings, test: TestCaseResult): Promise<void> {
  const lang = test.file ? languageForFile(test.file) : undefined;
  const text = test.file && lang ? await found.read(test.file) : undefined;
  if (!test.file || !lang || text === undefined) return;
  const def = testDefinitionFor(test, await findTestDefinitions(text, test.file, lang));
  if (!def || found.tests.length >= MAX_SNIPPETS) return;
  const snippet = text.slice(def.range.startIndex, def.range.endIndex);
  found.tests.push({
    file: test.file,
    startLine: def.range.startLine,
    endLine: def.range.endLine,
    text: snippet,
    label: `test ${def.fullName}, lines ${def.range.startLine}-${def.range.endLine}`,
    language: fenceLanguage[lang],
  });
  for (const called of await calledNames(snippet, lang)) found.wanted.add(called);
}

/** The functions around the failure's frames in the code under test (the whole file where none encloses). */
async function followFrames(found: Findings, test: TestCaseResult, input: LocalizeInput): Promise<void> {
  for (const frame of [...test.frames].reverse()) {
    if (!frame.inProject || input.isTestFile(frame.file) || !input.sourceFiles.includes(frame.file)) continue;
    const lang = languageForFile(frame.file);
    const text = await found.read(frame.file);
    if (!lang || text === undefined) continue;
    const fn = await enclosingFunction(text, frame.file, lang, frame.line);
    if (fn) found.addFunction(fn);
    else found.wholeFiles.add(frame.file);
  }
}

/** Top-level functions and methods of the source files whose names the failing tests call. */
async function addCalledFunctions(found: Findings, sourceFiles: string[]): Promise<void> {
  for (const file of sourceFiles.slice(0, MAX_SCANNED_FILES)) {
    const lang = languageForFile(file);
    const text = await found.read(file);
    if (!lang || text === undefined) continue;
    for (const fn of await listFunctions(text, file, lang)) {
      const simple = fn.name.split('.').pop()!;
      if (found.wanted.has(simple) && fn.kind !== 'nested') found.addFunction(fn);
    }
  }
}

async function addSmallestFiles(found: Findings, sourceFiles: string[]): Promise<void> {
  const sized: Array<[string, number]> = [];
  for (const file of sourceFiles.slice(0, MAX_SCANNED_FILES)) {
    const text = await found.read(file);
    if (text !== undefined && languageForFile(file)) sized.push([file, text.length]);
  }
  sized.sort((a, b) => a[1] - b[1]);
  for (const [file] of sized.slice(0, 3)) found.wholeFiles.add(file);
}

/** Small files whole, large ones by the functions pointed at; files with functions first. */
async function snippetsOf(found: Findings): Promise<Localization> {
  const byFile = new Map<string, FunctionInfo[]>();
  for (const fn of found.functions.values()) byFile.set(fn.file, [...(byFile.get(fn.file) ?? []), fn]);
  const focusFiles = [...new Set([...byFile.keys(), ...found.wholeFiles])];
  const code: CodeSnippet[] = [];
  for (const file of focusFiles)
    code.push(...fileSnippets(file, (await found.read(file)) ?? '', byFile.get(file) ?? []));
  return { tests: found.tests, code, focusFiles };
}

function fileSnippets(file: string, text: string, fns: FunctionInfo[]): CodeSnippet[] {
  const language = fenceLanguage[languageForFile(file) ?? 'javascript'];
  const lines = lineCount(text);
  if (lines <= WHOLE_FILE_LINES || fns.length === 0) {
    const pointsAt = fns.map((fn) => `${fn.name} (lines ${fn.range.startLine}-${fn.range.endLine})`).join(', ');
    const label = `whole file, ${lines} lines${pointsAt ? `; the failure points at ${pointsAt}` : ''}`;
    return [{ file, startLine: 1, endLine: lines, text, label, language }];
  }
  return fns.map((fn) => ({
    file,
    startLine: fn.range.startLine,
    endLine: fn.range.endLine,
    text: fn.text,
    label: `function ${fn.name}, lines ${fn.range.startLine}-${fn.range.endLine}`,
    language,
  }));
}
