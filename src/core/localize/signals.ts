/**
 * Where the suspects come from: the coverage spectrum, the failure's frames, the names the failing
 * tests use (through their imports, else anywhere in the project), and, when nothing points
 * anywhere, the smallest source files.
 */
import type { FunctionInfo } from '../syntax/types';
import type { TestCaseResult } from '../testing/types';
import { WHOLE_FILE_LINES } from './context';
import { ochiai, matchExecuted, type Suspect, type SuspectList } from './rank';
import { lineCount, simpleName, type Sources } from './sources';
import type { CoverageSpectrum } from './types';

/** What the failing tests' own code says: the names it calls and mentions, and the project files it imports. */
export interface TestNames {
  called: Set<string>;
  /** Every identifier and attribute name of the tests' code (includes `called`). */
  mentioned: Set<string>;
  importedFiles: Set<string>;
}

/** Source files scanned for functions a test calls, when its imports lead nowhere. */
const MAX_SCANNED_FILES = 300;
const CONSTRUCTORS = new Set(['__init__', '__new__', 'constructor']);

/** Does `fn` answer to one of `names`: its own name, or its class's for a constructor? */
export function answersTo(fn: FunctionInfo, names: ReadonlySet<string>): boolean {
  if (names.has(simpleName(fn.name))) return true;
  const parts = fn.name.split('.');
  return parts.length > 1 && CONSTRUCTORS.has(parts[parts.length - 1]!) && names.has(parts[parts.length - 2]!);
}

/** The functions around the test's frames in project source, innermost first. */
export async function noteFrames(
  suspects: SuspectList,
  test: TestCaseResult,
  sources: Sources,
  isSource: (file: string) => boolean,
): Promise<void> {
  let depth = 0;
  for (const frame of test.frames) {
    if (!frame.inProject || !isSource(frame.file)) continue;
    const text = await sources.read(frame.file);
    if (text === undefined) continue;
    const around = (await sources.functions(frame.file)).filter(
      (fn) => fn.range.startLine <= frame.line && frame.line <= fn.range.endLine,
    );
    const fn = around[around.length - 1] ?? moduleLines(frame.file, text, frame.line);
    suspects.note(fn, { frameDepth: depth++, moduleLevel: around.length === 0 || undefined });
  }
}

/** Module-level code around `line`: a few lines either side. */
function moduleLines(file: string, text: string, line: number): FunctionInfo {
  const startLine = Math.max(1, line - 5);
  const endLine = Math.min(lineCount(text), line + 5);
  return { name: `module code of ${file}`, file, range: { startLine, endLine, startIndex: 0, endIndex: 0 }, text: '' };
}

/** The functions the spectrum says failing tests ran, scored by Ochiai; how many it found. */
export async function noteSpectrum(
  suspects: SuspectList,
  spectrum: CoverageSpectrum,
  sources: Sources,
  isSource: (file: string) => boolean,
): Promise<number> {
  let found = 0;
  const totalFailed = spectrum.failingTraced || Math.max(1, ...spectrum.functions.map((f) => f.failingTests.length));
  for (const executed of spectrum.functions) {
    if (executed.failingTests.length === 0 || !isSource(executed.file)) continue;
    const fn = matchExecuted(executed, await sources.functions(executed.file));
    if (!fn) continue;
    suspects.note(fn, { ochiai: ochiai(executed.failingTests.length, executed.passingTests, totalFailed) });
    found++;
  }
  return found;
}

/**
 * Without a spectrum: the functions the tests name in the files they import; when those lead
 * nowhere, the functions they call found anywhere in the project's source.
 */
export async function noteNamedFunctions(
  suspects: SuspectList,
  names: TestNames,
  sources: Sources,
  isSource: (file: string) => boolean,
): Promise<void> {
  let found = 0;
  for (const file of names.importedFiles) {
    if (!isSource(file)) continue;
    for (const fn of await sources.functions(file)) {
      if (fn.kind === 'nested' || !answersTo(fn, names.mentioned)) continue;
      suspects.note(fn, answersTo(fn, names.called) ? { called: true } : { named: true });
      found++;
    }
  }
  if (found > 0 || names.called.size === 0) return;
  for (const file of sources.sourceFiles.filter(isSource).slice(0, MAX_SCANNED_FILES))
    for (const fn of await sources.functions(file))
      if (fn.kind !== 'nested' && answersTo(fn, names.called)) suspects.note(fn, { called: true });
}

/**
 * Nothing points anywhere: up to three of the smallest source files, those that define functions
 * first, each whole; when every file is too large for that, the functions of the smallest one.
 */
export async function smallestFiles(
  sources: Sources,
  isSource: (file: string) => boolean,
  limit: number,
): Promise<Suspect[]> {
  const sized: Array<{ file: string; lines: number; functions: FunctionInfo[] }> = [];
  for (const file of sources.sourceFiles.filter(isSource).slice(0, MAX_SCANNED_FILES)) {
    const text = await sources.read(file);
    if (text !== undefined) sized.push({ file, lines: lineCount(text), functions: await sources.functions(file) });
  }
  sized.sort((a, b) => Number(a.functions.length === 0) - Number(b.functions.length === 0) || a.lines - b.lines);
  const small = sized.filter((s) => s.lines <= WHOLE_FILE_LINES).slice(0, 3);
  if (small.length > 0)
    return small.map(({ file, lines }) => ({
      fn: { name: file, file, range: { startLine: 1, endLine: lines, startIndex: 0, endIndex: 0 }, text: '' },
      moduleLevel: true,
    }));
  const smallest = sized.find((s) => s.functions.length > 0);
  return (smallest?.functions ?? [])
    .filter((fn) => fn.kind !== 'nested')
    .slice(0, limit)
    .map((fn) => ({ fn }));
}
