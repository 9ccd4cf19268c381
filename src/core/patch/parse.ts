/**
 * Reads a model reply: the explanation in its prose and the edits in its blocks. Four edit formats are
 * accepted: SEARCH/REPLACE blocks, unified diffs, a whole function and a whole file in a code fence.
 *
 * Precedence: when a reply has SEARCH/REPLACE blocks or diffs, its plain code fences are not edits (models
 * like to quote the original code next to the real change). Among plain fences, a later block that defines
 * the same functions supersedes an earlier one ("the current code is …, the fixed code is …").
 *
 * A plain fence that names a path (fence info, the line before, or a `# File: …` first line) becomes a
 * `whole-file` edit; applyEdits turns it into a function replacement when the block is only a function.
 */
import type { Edit, ParsedReply, SearchReplaceEdit, WholeFileEdit, WholeFunctionEdit } from './types';
import { EDIT, explanationFrom } from './explanation';
import { bareDiffEnd, bareDiffStartsAt, diffEdits, firstNonBlank, looksLikeDiff } from './parse-diff';
import { containsDefinition, definedNames, isPathLike } from './shape';

const SEARCH = /^\s*<{5,9}\s*SEARCH\s*$/;
const DIVIDER = /^\s*={5,9}\s*$/;
const REPLACE = /^\s*>{5,9}\s*REPLACE\s*$/;
const FENCE_OPEN = /^\s*(`{3,}|~{3,})\s*([^`]*?)\s*$/;

/** Fences that show what a program printed, never code to apply. */
const OUTPUT_LANGUAGES = new Set([
  'text',
  'txt',
  'plaintext',
  'plain',
  'console',
  'output',
  'log',
  'terminal',
  'shell-session',
  'sh-session',
  'pycon',
  'pytest',
  'stdout',
  'stderr',
  'traceback',
  'none',
]);
/** Commands to run; an edit only when the fence names the script it replaces. */
const SHELL_LANGUAGES = new Set([
  'bash',
  'sh',
  'shell',
  'zsh',
  'fish',
  'powershell',
  'ps1',
  'pwsh',
  'cmd',
  'bat',
  'batch',
]);
const DIFF_LANGUAGES = new Set(['diff', 'patch', 'udiff']);

interface Fence {
  open: number;
  /** Index of the closing line; `lines.length` when the reply ends inside the fence. */
  close: number;
  lang: string;
  path?: string;
}

type CodeEdit = WholeFileEdit | WholeFunctionEdit;

export function parseReply(reply: string): ParsedReply {
  return new ReplyReader(unwrapMarkdown(reply.replace(/\r\n?/g, '\n').split('\n'))).read();
}

/** One pass over a reply's lines, sorting them into prose and edits. */
class ReplyReader {
  /** Prose line indices, with EDIT where an edit block stood (an explanation section ends there). */
  private readonly prose: Array<number | typeof EDIT> = [];
  /** Lines that only named the file of the block below: not prose. */
  private readonly labels = new Set<number>();
  /** SEARCH/REPLACE blocks and diffs. */
  private readonly primary: Edit[] = [];
  /** Plain code fences: edits only when the reply has no primary ones. */
  private readonly code: CodeEdit[] = [];
  /** A SEARCH block without a file label edits the file of the block before it. */
  private lastFile: string | undefined;

  constructor(private readonly lines: string[]) {}

  read(): ParsedReply {
    const { lines } = this;
    let i = 0;
    while (i < lines.length) {
      if (SEARCH.test(lines[i])) {
        i = this.readSearchReplace(i);
        continue;
      }
      const fence = this.openFence(i);
      if (fence) {
        this.readFence(fence);
        i = fence.close + 1;
        continue;
      }
      if (bareDiffStartsAt(lines, i)) {
        const end = bareDiffEnd(lines, i);
        this.addPrimary(diffEdits(lines.slice(i, end), () => undefined));
        i = end;
        continue;
      }
      this.prose.push(i++);
    }
    const edits: Edit[] = this.primary.length ? this.primary : latestOnly(this.code);
    const prose = this.prose
      .filter((k) => k === EDIT || !this.labels.has(k))
      .map((k) => (k === EDIT ? EDIT : lines[k]));
    return { explanation: explanationFrom(prose), edits };
  }

  private addPrimary(edits: Edit[]): void {
    this.primary.push(...edits);
    this.prose.push(EDIT);
  }

  private addCode(edit: CodeEdit): void {
    this.code.push(edit);
    this.prose.push(EDIT);
  }

  /** The path named by the nearest non-blank line above `at` (inside `fence` first, then before it). */
  private labelAbove(at: number, fence?: Fence): string | undefined {
    const { lines } = this;
    const floor = fence ? fence.open : -1;
    let j = at - 1;
    while (j > floor && lines[j].trim() === '') j--;
    if (j > floor) {
      // A fence opened inside the block's own fence (a reply wrapped in ````markdown): look past it.
      const inner = FENCE_OPEN.exec(lines[j]);
      if (fence && inner) return (inner[2] ? parseInfo(inner[2]).path : undefined) ?? this.labelAbove(j, fence);
      const path = pathFromLabel(lines[j]);
      if (path) this.labels.add(j);
      return path;
    }
    return fence ? (fence.path ?? this.labelAbove(fence.open)) : undefined;
  }

  /** Reads the SEARCH/REPLACE block opening at `at`; returns the index after it. */
  private readSearchReplace(at: number, fence?: Fence): number {
    const { lines } = this;
    const file = this.labelAbove(at, fence) ?? this.lastFile;
    this.lastFile = file;
    const limit = fence ? fence.close : lines.length;
    const where = file ?? 'the file';
    let j = at + 1;
    const search: string[] = [];
    while (j < limit && !DIVIDER.test(lines[j])) search.push(lines[j++]);
    if (j >= limit) {
      this.addPrimary([
        {
          kind: 'search-replace',
          file,
          search: joinLines(search),
          replace: '',
          problem: `the SEARCH block for ${where} has no ======= line`,
        },
      ]);
      return limit;
    }
    j++;
    const replace: string[] = [];
    while (j < limit && !REPLACE.test(lines[j])) replace.push(lines[j++]);
    const edit: SearchReplaceEdit = {
      kind: 'search-replace',
      file,
      search: joinLines(search),
      replace: joinLines(replace),
    };
    if (j >= limit) edit.problem = `the SEARCH block for ${where} is not closed by >>>>>>> REPLACE`;
    this.addPrimary([edit]);
    return j + 1;
  }

  /** The fence opening at `at`, up to its closing line (or the reply's end). */
  private openFence(at: number): Fence | undefined {
    const { lines } = this;
    const m = FENCE_OPEN.exec(lines[at]);
    if (!m) return undefined;
    const [marker, info] = [m[1], m[2]];
    let close = at + 1;
    while (close < lines.length) {
      const c = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[close]);
      if (c && c[1][0] === marker[0] && c[1].length >= marker.length) break;
      close++;
    }
    return { open: at, close, ...parseInfo(info) };
  }

  /** A fence holds SEARCH/REPLACE blocks, a diff, program output, or code. */
  private readFence(fence: Fence): void {
    const body = this.lines.slice(fence.open + 1, fence.close);
    if (body.some((l) => SEARCH.test(l))) {
      let j = fence.open + 1;
      while (j < fence.close) j = SEARCH.test(this.lines[j]) ? this.readSearchReplace(j, fence) : j + 1;
    } else if (DIFF_LANGUAGES.has(fence.lang) || looksLikeDiff(body)) {
      this.addPrimary(diffEdits(body, () => fence.path ?? this.labelAbove(fence.open)));
    } else if (!OUTPUT_LANGUAGES.has(fence.lang) && !isShellSession(body)) {
      this.readCodeFence(fence, body);
    }
  }

  /** Code with a path is a whole file; code without one is an edit only when it defines functions (not tests). */
  private readCodeFence(fence: Fence, body: string[]): void {
    const firstLine = body.findIndex((l) => l.trim() !== '');
    const named =
      firstLine >= 0 && /^\s*(?:#|\/\/|\/\*|--|<!--)/.test(body[firstLine])
        ? pathFromLabel(body[firstLine])
        : undefined;
    const path = fence.path ?? named ?? this.labelAbove(fence.open);
    if (SHELL_LANGUAGES.has(fence.lang) && !path) return;
    const content = joinLines(named ? body.slice(firstLine + 1) : body);
    if (path) {
      this.addCode({ kind: 'whole-file', file: path, content });
    } else if (containsDefinition(content) && !definedNames(content).every((n) => /^test/i.test(n))) {
      this.addCode({ kind: 'whole-function', code: content, ...(fence.lang ? { language: fence.lang } : {}) });
    }
  }
}

/** Some models wrap their whole answer in a ```markdown fence; the answer is what is inside. */
function unwrapMarkdown(lines: string[]): string[] {
  const first = firstNonBlank(lines);
  let last = lines.length - 1;
  while (last > first && lines[last].trim() === '') last--;
  const open = first >= 0 ? /^\s*(`{3,}|~{3,})\s*(?:markdown|md)\s*$/i.exec(lines[first]) : null;
  const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[last] ?? '');
  return open && close && close[1] === open[1] ? lines.slice(first + 1, last) : lines;
}

/** Lines back to text, each line ending in a newline. */
function joinLines(lines: string[]): string {
  return lines.map((l) => `${l}\n`).join('');
}

/**
 * The path a label line names: `stats/core.py`, `` `stats/core.py` ``, `**stats/core.py**`, `File: x`,
 * `# File: x`, `### x`, `x (function mean, lines 3-9):`, or a short line ending in a colon that names one
 * path in backticks (``Update `stats/core.py`:``).
 */
export function pathFromLabel(line: string): string | undefined {
  let s = line.trim();
  for (let round = 0; round < 4; round++) {
    const before = s;
    s = s
      .replace(/^(?:#{1,6}\s+|[-*+]\s+|\/\/\s*|\/\*\s*|<!--\s*|--\s+|#\s*)/, '')
      .replace(/\s*(?:\*\/|-->)$/, '')
      .replace(/^(?:\*\*|__)(.+?)(?:\*\*|__)(:?)$/, '$1$2')
      .replace(/^`([^`]+)`(:?)$/, '$1$2')
      .replace(/^(?:file(?:name)?|path)\s*:\s*/i, '')
      .replace(/\s*\([^()]*\)\s*:?$/, '')
      .replace(/\s*:$/, '')
      .trim();
    if (s === before) break;
  }
  if (isPathLike(s)) return s.replace(/\\/g, '/');
  if (line.trim().endsWith(':')) {
    const named = [...line.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]).filter(isPathLike);
    if (named.length === 1) return named[0];
  }
  return undefined;
}

/** `python`, `python:stats/core.py`, `python title="stats/core.py"`, `stats/core.py`, `py stats/core.py`. */
function parseInfo(info: string): { lang: string; path?: string } {
  const text = info.trim();
  const keyed = /(?:title|file(?:name)?|path)\s*=\s*["']?([^"'\s}]+)/i.exec(text);
  const [first = '', ...rest] = text.split(/\s+/);
  const colon = first.indexOf(':');
  let lang = (colon >= 0 ? first.slice(0, colon) : first).replace(/^\{|\}$/g, '').toLowerCase();
  let path = keyed?.[1];
  if (!path && colon >= 0 && isPathLike(first.slice(colon + 1))) path = first.slice(colon + 1);
  if (!path && isPathLike(first)) {
    path = first;
    lang = '';
  }
  if (!path) path = rest.find(isPathLike);
  return path ? { lang, path } : { lang };
}

function isShellSession(body: string[]): boolean {
  const k = firstNonBlank(body);
  return k >= 0 && /^\s*(?:\$ |> |>>> |PS[^>]*> )/.test(body[k]);
}

function codeOf(edit: CodeEdit): string {
  return edit.kind === 'whole-file' ? edit.content : edit.code;
}

/** Drops a fenced block when a later block replaces the same functions (or the same whole file). */
function latestOnly(edits: CodeEdit[]): CodeEdit[] {
  const supersedes = (later: CodeEdit, earlier: CodeEdit): boolean => {
    if (later.file && earlier.file && later.file !== earlier.file) return false;
    if (later.kind === 'whole-file' && earlier.kind === 'whole-file') return true;
    const names = definedNames(codeOf(earlier));
    const laterNames = new Set(definedNames(codeOf(later)));
    return names.length > 0 && names.every((n) => laterNames.has(n));
  };
  return edits.filter((edit, k) => !edits.slice(k + 1).some((later) => supersedes(later, edit)));
}
