/**
 * Reference mode's model: for each task, a wrong attempt first and the dataset's canonical fix second,
 * written the ways models write edits (SEARCH/REPLACE, unified diff, whole function, whole file) with
 * the noise they add (prose, fences, indentation drift, stale line numbers, CRLF). Which way a task
 * gets is fixed by its position, so a run is reproducible and every format is used.
 */
import { structuredPatch } from 'diff';
import type { TaskProject } from './dataset';

export const FIX_FORMATS = [
  'search-replace',
  'search-replace-drift',
  'unified-diff',
  'bare-diff-stale-lines',
  'whole-function',
  'whole-function-quoted',
  'whole-file',
  'markdown-wrapped',
] as const;
export type FixFormat = (typeof FIX_FORMATS)[number];

export const WRONG_KINDS = ['no-op-comment', 'unmatched-search', 'prose-only'] as const;
export type WrongKind = (typeof WRONG_KINDS)[number];

export type ReplyKind = { wrong: WrongKind } | { fix: FixFormat };

const EXPLANATION =
  '## Explanation\nThe failing test calls the function with inputs where the result is wrong. Looking at the code, one expression does not do what the docstring says.\n\n## Fix\n';

function lang(task: TaskProject): string {
  return task.language === 'python' ? 'python' : 'javascript';
}

function comment(task: TaskProject, text: string): string {
  return task.language === 'python' ? `# ${text}` : `// ${text}`;
}

function lines(text: string): string[] {
  return text.replace(/\n$/, '').split('\n');
}

/** The changed lines of buggy → fixed, with enough context around them to occur once in the buggy file. */
export function changedBlock(buggy: string, fixed: string): { search: string[]; replace: string[] } {
  const a = lines(buggy);
  const b = lines(fixed);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  let from = start;
  let aTo = a.length - end;
  let bTo = b.length - end;
  // Unique even with indentation ignored, so a block whose indentation drifts still has one place.
  const trimmed = a.map((l) => l.trim());
  const unique = () => {
    const block = trimmed.slice(from, aTo);
    if (!block.join('')) return false;
    const places = trimmed.filter((_, k) => block.every((l, j) => trimmed[k + j] === l));
    return places.length === 1;
  };
  while (!unique() && (from > 0 || aTo < a.length)) {
    if (from > 0) from--;
    if (aTo < a.length) {
      aTo++;
      bTo++;
    }
  }
  return { search: a.slice(from, aTo), replace: b.slice(from, bTo) };
}

function searchReplace(task: TaskProject, drift: boolean): string {
  const { search, replace } = changedBlock(task.buggy, task.fixed);
  // Models often drop the block's common indentation (or add some), and leave trailing spaces.
  const indented = [...search, ...replace].every((l) => !l.trim() || l.startsWith('  '));
  const moved = (l: string) => (!l.trim() ? l : indented ? l.slice(2) : `  ${l}`);
  const shift = (block: string[]) => (drift ? block.map((l) => `${moved(l)}  `) : block);
  const block = [task.source, '<<<<<<< SEARCH', ...shift(search), '=======', ...shift(replace), '>>>>>>> REPLACE'];
  return drift ? `\`\`\`${lang(task)}\n${block.join('\n')}\n\`\`\`\n` : `${block.join('\n')}\n`;
}

function unifiedDiff(task: TaskProject, bare: boolean): string {
  const patch = structuredPatch(`a/${task.source}`, `b/${task.source}`, task.buggy, task.fixed, '', '', {
    context: 2,
  });
  // Stale line numbers: the model counted from the snippet it was shown, not the file.
  const offset = bare ? 3 : 0;
  const body = patch.hunks.flatMap((h) => [
    `@@ -${h.oldStart + offset},${h.oldLines} +${h.newStart + offset},${h.newLines} @@`,
    ...h.lines.filter((l) => !l.startsWith('\\')),
  ]);
  const text = [`--- a/${task.source}`, `+++ b/${task.source}`, ...body].join('\n');
  return bare ? `${text}\n` : `\`\`\`diff\n${text}\n\`\`\`\n`;
}

/** The entry point's definition to the end of the program (it is the last one in every task). */
function entryFunction(task: TaskProject, program: string): string {
  const pattern =
    task.language === 'python'
      ? new RegExp(`^def ${task.entryPoint}\\(`, 'm')
      : new RegExp(`^(?:const|function)\\s+${task.entryPoint}\\b`, 'm');
  const at = program.search(pattern);
  const code = at >= 0 ? program.slice(at) : program;
  return code.replace(/\nmodule\.exports = .*\n?$/, '\n').trimEnd();
}

function wholeFunction(task: TaskProject, quoted: boolean): string {
  const fixed = `\`\`\`${lang(task)}\n${entryFunction(task, task.fixed)}\n\`\`\`\n`;
  if (!quoted) return `Here is the corrected function:\n\n${fixed}`;
  const current = `\`\`\`${lang(task)}\n${entryFunction(task, task.buggy)}\n\`\`\`\n`;
  return `The current code is:\n\n${current}\nThe fixed code is:\n\n${fixed}`;
}

function wholeFile(task: TaskProject): string {
  return `\`\`\`${lang(task)} ${task.source}\n${task.fixed.trimEnd()}\n\`\`\`\n`;
}

export function fixReply(task: TaskProject, format: FixFormat): string {
  switch (format) {
    case 'search-replace':
      return EXPLANATION + searchReplace(task, false);
    case 'search-replace-drift':
      return `${EXPLANATION}${searchReplace(task, true)}\nThis keeps the rest of the function as it is.\n`;
    case 'unified-diff':
      return EXPLANATION + unifiedDiff(task, false);
    case 'bare-diff-stale-lines':
      return EXPLANATION + unifiedDiff(task, true);
    case 'whole-function':
      return EXPLANATION + wholeFunction(task, false);
    case 'whole-function-quoted':
      return (EXPLANATION + wholeFunction(task, true)).replace(/\n/g, '\r\n');
    case 'whole-file':
      return `${EXPLANATION}${wholeFile(task)}\nRun the tests again to confirm.\n`;
    case 'markdown-wrapped':
      return `\`\`\`\`markdown\n${EXPLANATION}${searchReplace(task, false)}\`\`\`\`\n`;
  }
}

/** A first attempt that does not fix the task: an edit that changes nothing that matters, one that does not match, or none. */
export function wrongReply(task: TaskProject, kind: WrongKind): string {
  const definition = lines(entryFunction(task, task.buggy))[0]!;
  switch (kind) {
    case 'no-op-comment':
      return `${EXPLANATION}${task.source}\n<<<<<<< SEARCH\n${definition}\n=======\n${comment(task, 'checked: inputs are handled below')}\n${definition}\n>>>>>>> REPLACE\n`;
    case 'unmatched-search':
      return `${EXPLANATION}${task.source}\n<<<<<<< SEARCH\n${definition}\n${comment(task, 'TODO: validate input')}\n=======\n${definition}\n>>>>>>> REPLACE\n`;
    case 'prose-only':
      return '## Explanation\nThe failure may come from the inputs the test uses; I would need to see more of the code to be sure.\n';
  }
}

/** Which reply the k-th task (0-based) gets for its wrong attempt and for its fix. */
export function kindsFor(k: number): { wrong: WrongKind; fix: FixFormat } {
  return { wrong: WRONG_KINDS[k % WRONG_KINDS.length]!, fix: FIX_FORMATS[k % FIX_FORMATS.length]! };
}
