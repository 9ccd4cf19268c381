import { calledNames, enclosingFunction, findTestDefinitions, languageForFile, listFunctions } from '../syntax';
import type { FunctionInfo, LanguageId } from '../syntax/types';
import type { TestCaseResult } from '../testing/types';
import type { CodeSnippet } from './prompt';

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
};

function lineCount(text: string): number {
  return text.replace(/\n$/, '').split('\n').length;
}

function testName(test: TestCaseResult): string {
  const parts = test.id.split(/::| > /);
  return parts[parts.length - 1] ?? test.name;
}

/**
 * Maps failures to the code they run through: frames inside the project's code first (innermost
 * last in a traceback, so reversed), then the functions the failing test calls, found by name.
 */
export async function localize(input: LocalizeInput): Promise<Localization> {
  const texts = new Map<string, string | undefined>();
  const read = async (file: string): Promise<string | undefined> => {
    if (!texts.has(file)) texts.set(file, await input.readFile(file));
    return texts.get(file);
  };
  const functions = new Map<string, FunctionInfo>();
  const addFunction = (fn: FunctionInfo): void => {
    const key = `${fn.file}:${fn.range.startLine}`;
    if (!functions.has(key) && functions.size < MAX_SNIPPETS) functions.set(key, fn);
  };
  const wholeFiles = new Set<string>();
  const tests: CodeSnippet[] = [];
  const wanted = new Set<string>();

  for (const test of input.failing) {
    if (test.file && languageForFile(test.file)) {
      const text = await read(test.file);
      const lang = languageForFile(test.file);
      if (text !== undefined && lang) {
        const name = testName(test);
        const defs = await findTestDefinitions(text, test.file, lang);
        const def =
          defs.find(
            (d) => d.kind === 'test' && (d.fullName === name || d.name === name || test.id.endsWith(d.fullName)),
          ) ??
          (test.line
            ? defs.find((d) => d.kind === 'test' && d.range.startLine <= test.line! && test.line! <= d.range.endLine)
            : undefined);
        if (def && tests.length < MAX_SNIPPETS) {
          const snippet = text.slice(def.range.startIndex, def.range.endIndex);
          tests.push({
            file: test.file,
            startLine: def.range.startLine,
            endLine: def.range.endLine,
            text: snippet,
            label: `test ${def.fullName}, lines ${def.range.startLine}-${def.range.endLine}`,
            language: fenceLanguage[lang],
          });
          for (const called of await calledNames(snippet, lang)) wanted.add(called);
        }
      }
    }
    for (const frame of [...test.frames].reverse()) {
      if (!frame.inProject || input.isTestFile(frame.file) || !input.sourceFiles.includes(frame.file)) continue;
      const lang = languageForFile(frame.file);
      const text = await read(frame.file);
      if (!lang || text === undefined) continue;
      const fn = await enclosingFunction(text, frame.file, lang, frame.line);
      if (fn) addFunction(fn);
      else wholeFiles.add(frame.file);
    }
  }

  if (functions.size === 0 && wholeFiles.size === 0 && wanted.size > 0) {
    for (const file of input.sourceFiles.slice(0, MAX_SCANNED_FILES)) {
      const lang = languageForFile(file);
      const text = await read(file);
      if (!lang || text === undefined) continue;
      for (const fn of await listFunctions(text, file, lang)) {
        const simple = fn.name.split('.').pop()!;
        if (wanted.has(simple) && fn.kind !== 'nested') addFunction(fn);
      }
    }
  }

  if (functions.size === 0 && wholeFiles.size === 0) {
    // Nothing pointed anywhere: show the smallest source files, which is better than nothing.
    const sized: Array<[string, number]> = [];
    for (const file of input.sourceFiles.slice(0, MAX_SCANNED_FILES)) {
      const text = await read(file);
      if (text !== undefined && languageForFile(file)) sized.push([file, text.length]);
    }
    sized.sort((a, b) => a[1] - b[1]);
    for (const [file] of sized.slice(0, 3)) wholeFiles.add(file);
  }

  const byFile = new Map<string, FunctionInfo[]>();
  for (const fn of functions.values()) byFile.set(fn.file, [...(byFile.get(fn.file) ?? []), fn]);
  const focusFiles = [...new Set([...byFile.keys(), ...wholeFiles])];

  const code: CodeSnippet[] = [];
  for (const file of focusFiles) {
    const text = (await read(file)) ?? '';
    const language = fenceLanguage[languageForFile(file) ?? 'javascript'];
    const fns = byFile.get(file) ?? [];
    const lines = lineCount(text);
    const pointsAt = fns.map((fn) => `${fn.name} (lines ${fn.range.startLine}-${fn.range.endLine})`).join(', ');
    if (lines <= WHOLE_FILE_LINES || fns.length === 0) {
      const label = `whole file, ${lines} lines${pointsAt ? `; the failure points at ${pointsAt}` : ''}`;
      code.push({ file, startLine: 1, endLine: lines, text, label, language });
    } else {
      for (const fn of fns) {
        code.push({
          file,
          startLine: fn.range.startLine,
          endLine: fn.range.endLine,
          text: fn.text,
          label: `function ${fn.name}, lines ${fn.range.startLine}-${fn.range.endLine}`,
          language,
        });
      }
    }
  }
  return { tests, code, focusFiles };
}
