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
import type { Edit, ParsedReply, SearchReplaceEdit, UnifiedDiffEdit, WholeFileEdit, WholeFunctionEdit } from './types';
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

const EXPLANATION_TITLE = /\b(?:explanation|root cause|cause|analysis|diagnosis|what went wrong|why)\b/i;
const FIX_TITLE = /\b(?:fix|fixed|solution|patch|change|changes|code|diff|update|updated|corrected|test|tests)\b/i;
const PLAIN_HEADING =
  /^\s*(explanation|root cause|cause|analysis|diagnosis|fix|the fix|solution|patch|changes?|reason)\s*:\s*(.*)$/i;

const EDIT = Symbol('edit');

interface Fence {
  open: number;
  /** Index of the closing line; `lines.length` when the reply ends inside the fence. */
  close: number;
  lang: string;
  path?: string;
}

type CodeEdit = WholeFileEdit | WholeFunctionEdit;

export function parseReply(reply: string): ParsedReply {
  const lines = unwrapMarkdown(reply.replace(/\r\n?/g, '\n').split('\n'));
  /** Prose line indices, with EDIT where an edit block stood (an explanation section ends there). */
  const prose: Array<number | typeof EDIT> = [];
  const labels = new Set<number>();
  const primary: Edit[] = [];
  const code: CodeEdit[] = [];
  let lastFile: string | undefined;

  /** The path named by the nearest non-blank line above `at` (inside `fence` first, then before it). */
  function labelAbove(at: number, fence?: Fence): string | undefined {
    const floor = fence ? fence.open : -1;
    let j = at - 1;
    while (j > floor && lines[j].trim() === '') j--;
    if (j > floor) {
      // A fence opened inside the block's own fence (a reply wrapped in ````markdown): look past it.
      const inner = FENCE_OPEN.exec(lines[j]);
      if (fence && inner) return (inner[2] ? parseInfo(inner[2]).path : undefined) ?? labelAbove(j, fence);
      const path = pathFromLabel(lines[j]);
      if (path) labels.add(j);
      return path;
    }
    return fence ? (fence.path ?? labelAbove(fence.open)) : undefined;
  }

  function readSearchReplace(at: number, fence?: Fence): number {
    const file = labelAbove(at, fence) ?? lastFile;
    lastFile = file;
    const limit = fence ? fence.close : lines.length;
    const where = file ?? 'the file';
    let j = at + 1;
    const search: string[] = [];
    while (j < limit && !DIVIDER.test(lines[j])) search.push(lines[j++]);
    if (j >= limit) {
      primary.push({
        kind: 'search-replace',
        file,
        search: joinLines(search),
        replace: '',
        problem: `the SEARCH block for ${where} has no ======= line`,
      });
      prose.push(EDIT);
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
    primary.push(edit);
    prose.push(EDIT);
    return j + 1;
  }

  function openFence(at: number): Fence | undefined {
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

  function handleFence(fence: Fence): void {
    const body = lines.slice(fence.open + 1, fence.close);
    if (body.some((l) => SEARCH.test(l))) {
      let j = fence.open + 1;
      while (j < fence.close) j = SEARCH.test(lines[j]) ? readSearchReplace(j, fence) : j + 1;
      return;
    }
    if (DIFF_LANGUAGES.has(fence.lang) || looksLikeDiff(body)) {
      primary.push(...diffEdits(body, () => fence.path ?? labelAbove(fence.open)));
      prose.push(EDIT);
      return;
    }
    if (OUTPUT_LANGUAGES.has(fence.lang) || isShellSession(body)) return;
    const firstLine = body.findIndex((l) => l.trim() !== '');
    const named =
      firstLine >= 0 && /^\s*(?:#|\/\/|\/\*|--|<!--)/.test(body[firstLine])
        ? pathFromLabel(body[firstLine])
        : undefined;
    const path = fence.path ?? named ?? labelAbove(fence.open);
    if (SHELL_LANGUAGES.has(fence.lang) && !path) return;
    const content = joinLines(named ? body.slice(firstLine + 1) : body);
    if (path) {
      code.push({ kind: 'whole-file', file: path, content });
      prose.push(EDIT);
    } else if (containsDefinition(content) && !definedNames(content).every((n) => /^test/i.test(n))) {
      code.push({ kind: 'whole-function', code: content, ...(fence.lang ? { language: fence.lang } : {}) });
      prose.push(EDIT);
    }
  }

  let i = 0;
  while (i < lines.length) {
    if (SEARCH.test(lines[i])) {
      i = readSearchReplace(i);
      continue;
    }
    const fence = openFence(i);
    if (fence) {
      handleFence(fence);
      i = fence.close + 1;
      continue;
    }
    if (bareDiffStartsAt(lines, i)) {
      const end = bareDiffEnd(lines, i);
      primary.push(...diffEdits(lines.slice(i, end), () => undefined));
      prose.push(EDIT);
      i = end;
      continue;
    }
    prose.push(i++);
  }

  const edits: Edit[] = primary.length ? primary : latestOnly(code);
  const explanation = explanationFrom(
    prose.filter((k) => k === EDIT || !labels.has(k)).map((k) => (k === EDIT ? EDIT : lines[k])),
  );
  return { explanation, edits };
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

function firstNonBlank(lines: string[]): number {
  return lines.findIndex((l) => l.trim() !== '');
}

function looksLikeDiff(body: string[]): boolean {
  const k = firstNonBlank(body);
  if (k < 0) return false;
  return (
    /^diff --git /.test(body[k]) ||
    /^@@.*@@/.test(body[k]) ||
    (/^--- /.test(body[k]) && /^\+\+\+ /.test(body[k + 1] ?? ''))
  );
}

function isShellSession(body: string[]): boolean {
  const k = firstNonBlank(body);
  return k >= 0 && /^\s*(?:\$ |> |>>> |PS[^>]*> )/.test(body[k]);
}

function bareDiffStartsAt(lines: string[], i: number): boolean {
  return /^diff --git /.test(lines[i]) || (/^--- \S/.test(lines[i]) && /^\+\+\+ \S/.test(lines[i + 1] ?? ''));
}

/** A diff outside any fence ends at the first line that cannot belong to it. */
function bareDiffEnd(lines: string[], i: number): number {
  const diffLine = /^(?:[ +\-\\]|@@|diff |index |new file|deleted file|similarity |rename |old mode|new mode)/;
  let j = i;
  while (j < lines.length) {
    if (diffLine.test(lines[j])) j++;
    else if (lines[j] === '' && /^(?: |@@|diff --git |--- )/.test(lines[j + 1] ?? '')) j++;
    else break;
  }
  return j;
}

function headerPath(line: string): string | undefined {
  const path = line
    .slice(4)
    .split('\t')[0]
    .trim()
    .replace(/^"(.*)"$/, '$1');
  return path === '/dev/null' || path === '' ? undefined : path;
}

/** `b/x` → `x` when the diff uses git's `a/` `b/` prefixes (a real folder named `b` keeps its name otherwise). */
function withoutGitPrefix(minus: string | undefined, path: string, prefix = 'b/'): string {
  const gitStyle = (minus === undefined || minus.startsWith('a/')) && path.startsWith(prefix);
  return gitStyle ? path.slice(prefix.length) : path;
}

/** Splits a diff into one edit per file; a diff without file headers targets `fallback()`. */
function diffEdits(body: string[], fallback: () => string | undefined): UnifiedDiffEdit[] {
  interface Section {
    file?: string;
    lines: string[];
    headed: boolean;
    hasMinus: boolean;
    hasHunk: boolean;
  }
  const sections: Section[] = [];
  const start = (file?: string): Section => {
    const s: Section = { file, lines: [], headed: file !== undefined, hasMinus: false, hasHunk: false };
    sections.push(s);
    return s;
  };
  let cur: Section | undefined;
  for (let k = 0; k < body.length; k++) {
    const line = body[k];
    const git = /^diff --git\s+(\S+)\s+(\S+)/.exec(line);
    if (git) {
      cur = start(withoutGitPrefix(git[1], git[2]));
    } else if (/^--- /.test(line) && /^\+\+\+ /.test(body[k + 1] ?? '')) {
      if (!cur || cur.hasHunk || cur.hasMinus) cur = start();
      cur.hasMinus = true;
      cur.headed = true;
      const [minus, plus] = [headerPath(line), headerPath(body[k + 1])];
      cur.file = (plus ? withoutGitPrefix(minus, plus) : minus && withoutGitPrefix(minus, minus, 'a/')) ?? cur.file;
      cur.lines.push(line, body[k + 1]);
      k++;
      continue;
    } else {
      cur ??= start();
      if (/^@@/.test(line)) cur.hasHunk = true;
    }
    cur.lines.push(line);
  }
  return sections
    .filter((s) => s.headed || s.hasHunk)
    .map((s) => {
      const text = s.lines.join('\n').replace(/\n+$/, '');
      const file = s.headed ? s.file : fallback();
      return { kind: 'unified-diff', ...(file ? { file } : {}), diff: `${text}\n` } satisfies UnifiedDiffEdit;
    });
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

function heading(line: string): { title: string; rest: string } | undefined {
  const md = /^\s*#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
  if (md) return { title: md[1], rest: '' };
  const bold = /^\s*(?:\*\*|__)([^*_]{1,60}?)(?:\*\*|__)\s*:?\s*(.*)$/.exec(line);
  // `**The bug**: …` opening a paragraph is prose; a bold line alone or `**Fix:** …` is a heading
  if (bold && (bold[2] === '' || PLAIN_HEADING.test(`${bold[1].replace(/\s*:$/, '')}:`))) {
    return { title: bold[1].replace(/\s*:$/, ''), rest: bold[2] };
  }
  const plain = PLAIN_HEADING.exec(line);
  if (plain) return { title: plain[1], rest: plain[2] };
  return undefined;
}

/**
 * The explanation part when the reply has one (from an "Explanation"/"Root cause"/… heading up to the next
 * "Fix"/"Solution"/… heading or edit block), else all of its prose. Heading lines themselves are dropped.
 */
function explanationFrom(prose: Array<string | typeof EDIT>): string {
  const sections: Array<{ title?: string; body: string[]; afterEdit?: boolean }> = [{ body: [] }];
  for (const line of prose) {
    if (line === EDIT) {
      sections.push({ body: [], afterEdit: true });
      continue;
    }
    const h = heading(line);
    if (h) sections.push({ title: h.title, body: h.rest ? [h.rest] : [] });
    else sections[sections.length - 1].body.push(line);
  }
  const chosen: typeof sections = [];
  let inside = false;
  for (const s of sections) {
    if (s.afterEdit) inside = false;
    if (s.title !== undefined) {
      if (EXPLANATION_TITLE.test(s.title)) inside = true;
      else if (FIX_TITLE.test(s.title)) inside = false;
    }
    if (inside) chosen.push(s);
  }
  return (chosen.length ? chosen : sections)
    .flatMap((s) => [...s.body, ''])
    .map((l) => l.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
