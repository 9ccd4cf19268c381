/**
 * What the model sees of each suspect: the function whole, the header of its class, and the
 * imports and constants of its module that it uses — each an exact slice of the file, so edits
 * can quote it. A small file is shown whole instead; a large module never is.
 */
import { languageForFile } from '../syntax';
import { enclosingClassHeaders } from '../syntax/classes';
import { identifiersIn } from '../syntax/imports';
import type { FunctionInfo, LanguageId } from '../syntax/types';
import type { CodeSnippet } from '../repair/prompt';
import type { Suspect } from './rank';
import { lineCount, type Sources } from './sources';

/** Files up to this many lines are shown whole: small enough that the rest of the file costs little. */
export const WHOLE_FILE_LINES = 60;

export const fenceLanguage: Record<LanguageId, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  tsx: 'tsx',
  go: 'go',
  rust: 'rust',
};

/** Line ranges already shown, per file, so nothing appears twice. */
class Shown {
  private readonly ranges = new Map<string, Array<[number, number]>>();

  covers(file: string, range: { startLine: number; endLine: number }): boolean {
    return (this.ranges.get(file) ?? []).some(([a, b]) => a <= range.startLine && range.endLine <= b);
  }

  add(file: string, range: { startLine: number; endLine: number }): void {
    this.ranges.set(file, [...(this.ranges.get(file) ?? []), [range.startLine, range.endLine]]);
  }
}

/** Snippets of the suspects, most suspect first; each suspect's snippets share a `group`, 0 the most suspect. */
export async function suspectSnippets(suspects: readonly Suspect[], sources: Sources): Promise<CodeSnippet[]> {
  const shown = new Shown();
  const out: CodeSnippet[] = [];
  let group = 0;
  for (const suspect of suspects) {
    const { file } = suspect.fn;
    const lang = languageForFile(file);
    const text = await sources.read(file);
    if (!lang || text === undefined) continue;
    const snippets =
      lineCount(text) <= WHOLE_FILE_LINES
        ? wholeFile(file, text, suspects, shown)
        : await suspectParts(suspect, sources, text, lang, shown);
    if (snippets.length === 0) continue;
    for (const snippet of snippets) out.push({ ...snippet, language: fenceLanguage[lang], group });
    group++;
  }
  return out;
}

type Part = Omit<CodeSnippet, 'language' | 'group'>;

function wholeFile(file: string, text: string, suspects: readonly Suspect[], shown: Shown): Part[] {
  const lines = lineCount(text);
  const range = { startLine: 1, endLine: lines };
  if (shown.covers(file, range)) return [];
  shown.add(file, range);
  const pointsAt = suspects
    .filter((s) => s.fn.file === file && !s.moduleLevel)
    .map((s) => `${s.fn.name} (lines ${s.fn.range.startLine}-${s.fn.range.endLine})`)
    .join(', ');
  const label = `whole file, ${lines} lines${pointsAt ? `; the failure points at ${pointsAt}` : ''}`;
  return [{ file, startLine: 1, endLine: lines, text, label }];
}

/** The function, its class header(s), and the module-level lines it uses, each not shown before. */
async function suspectParts(
  suspect: Suspect,
  sources: Sources,
  text: string,
  lang: LanguageId,
  shown: Shown,
): Promise<Part[]> {
  const { fn } = suspect;
  if (shown.covers(fn.file, fn.range)) return [];
  shown.add(fn.file, fn.range);
  const parts: Part[] = [part(fn.file, text, fn.range, suspect.moduleLevel ? 'module code' : `function ${fn.name}`)];
  if (suspect.moduleLevel) return parts;
  for (const header of await enclosingClassHeaders(text, lang, fn.range.startIndex)) {
    if (shown.covers(fn.file, header.range)) continue;
    shown.add(fn.file, header.range);
    parts.push(part(fn.file, text, header.range, `class ${header.name} header`));
  }
  parts.push(...(await usedModuleLines(sources, fn, text, lang, shown)));
  return parts;
}

/** Imports (and short constants) at module level whose names the function uses, merged into runs of lines. */
async function usedModuleLines(
  sources: Sources,
  fn: FunctionInfo,
  text: string,
  lang: LanguageId,
  shown: Shown,
): Promise<Part[]> {
  const { file } = fn;
  const used = await identifiersIn(text, lang, fn.range);
  const wanted = (await sources.bindings(file)).filter(
    (b) => b.bound.some((name) => used.has(name)) && !shown.covers(file, b.range),
  );
  const runs: Array<{ startLine: number; endLine: number; constants: boolean }> = [];
  for (const b of wanted) {
    const last = runs[runs.length - 1];
    if (last && b.range.startLine <= last.endLine + 1) {
      last.endLine = Math.max(last.endLine, b.range.endLine);
      last.constants ||= b.kind === 'constant';
    } else runs.push({ startLine: b.range.startLine, endLine: b.range.endLine, constants: b.kind === 'constant' });
  }
  return runs.map((run) => {
    shown.add(file, run);
    return part(file, text, run, run.constants ? 'imports and constants it uses' : 'imports it uses');
  });
}

/** Lines of a file, labelled `what, lines a-b`. */
function part(file: string, text: string, lines: { startLine: number; endLine: number }, what: string): Part {
  const { startLine, endLine } = lines;
  return {
    file,
    startLine,
    endLine,
    text: lineSlice(text, startLine, endLine),
    label: `${what}, lines ${startLine}-${endLine}`,
  };
}

/** Lines `first`..`last` (1-based, inclusive) of `text`, exactly as they stand, without the final line break. */
export function lineSlice(text: string, first: number, last: number): string {
  return text
    .split('\n')
    .slice(first - 1, last)
    .join('\n')
    .replace(/\r$/, '');
}
