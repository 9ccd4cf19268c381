/**
 * Applies parsed edits to project files, in memory. Tolerant where models are sloppy (paths, whitespace,
 * line numbers), strict where a guess could change the wrong code (ambiguous matches, test files).
 */
import { replaceBlock, splitLines } from './match';
import { definedNames, importLines, startsWithDefinition } from './shape';
import type { Edit, FileChanges, UnifiedDiffEdit } from './types';
import { PatchError } from './types';

export interface ApplyContext {
  /** Current content of a project file, undefined when absent. */
  readFile(relPath: string): Promise<string | undefined>;
  /** Project-relative POSIX paths, used to resolve the paths a reply writes. */
  projectFiles: string[];
  /** Files shown to the model; an edit that names no file targets these. */
  focusFiles: string[];
  /** Tests are read-only to candidates. */
  isTestFile(relPath: string): boolean;
  /** Replaces the functions `newCode` defines in `source`; undefined when none matched (tree-sitter based). */
  replaceFunction?(source: string, file: string, newCode: string): Promise<string | undefined>;
}

interface FileState {
  /** As read; undefined for a file the edits create. */
  original: string | undefined;
  /** With LF line endings. */
  text: string | undefined;
  eol: '\n' | '\r\n';
}

function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Resolves a path as a reply writes it to a project file (see resolvePath), or undefined. */
export function locateProjectFile(written: string, projectFiles: readonly string[]): string | undefined {
  const clean = written
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '');
  const variants = [...new Set([clean, clean.replace(/^[ab]\//, ''), clean.replace(/^\/+/, '')])];
  for (const v of variants) if (projectFiles.includes(v)) return v;
  for (const v of variants) {
    // An absolute path (or one with extra leading folders) that ends in a project path: the longest wins.
    const inside = projectFiles.filter((f) => v.endsWith(`/${f}`)).sort((a, b) => b.length - a.length);
    if (inside.length) return inside[0];
  }
  for (const v of variants) {
    const shorter = projectFiles.filter((f) => f.endsWith(`/${v}`));
    if (shorter.length > 1) {
      throw new PatchError(
        `the reply's path ${written} matches several project files (${shorter.join(', ')}); give the full path`,
      );
    }
    if (shorter.length === 1) return shorter[0];
  }
  return undefined;
}

/**
 * A named whole-file block that is clearly only a function: the file exists, the block starts with a
 * definition, and it is under half the file's length or lacks one of the file's imports.
 */
function isOnlyAFunction(block: string, file: string): boolean {
  if (!startsWithDefinition(block)) return false;
  const solid = (text: string) => splitLines(text).filter((l) => l.trim() !== '').length;
  const blockImports = new Set(importLines(block));
  return solid(block) * 2 < solid(file) || importLines(file).some((l) => !blockImports.has(l));
}

const ELISION = new RegExp(
  String.raw`^\s*(?:#|\/\/|\/\*|<!--)\s*(?:\.\.\.|…|` +
    String.raw`.*\b(?:rest|remainder) of (?:the )?(?:file|code|module|function|class|body|implementation)\b|` +
    String.raw`(?:existing code|unchanged|same as before|other functions)\s*(?:\.\.\.|…)?\s*(?:\*\/|-->)?\s*$)`,
  'i',
);

/** Refuses a block that stands for code it leaves out (`# ... rest unchanged`): applying it would delete that code. */
function refuseElisions(block: string, original: string | undefined, file: string): void {
  const known = new Set(splitLines(original ?? '').map((l) => l.trim()));
  const elided = splitLines(toLf(block)).find((l) => ELISION.test(l) && !known.has(l.trim()));
  if (elided) {
    throw new PatchError(
      `the code block for ${file} leaves code out (\`${elided.trim()}\`); give it complete or use SEARCH/REPLACE blocks`,
    );
  }
}

function functionLabel(code: string): string {
  const names = definedNames(code);
  return names.length ? names.join(', ') : 'the function';
}

interface Hunk {
  search: string;
  replace: string;
  oldStart?: number;
  removed: number;
  added: number;
}

/** Hunks as search/replace pairs; lines without a prefix count as context (models drop the space). */
function parseHunks(diff: string): Hunk[] {
  const hunks: Hunk[] = [];
  let cur: { search: string[]; replace: string[]; oldStart?: number } | undefined;
  const close = () => {
    if (!cur) return;
    hunks.push({
      search: cur.search.map((l) => `${l}\n`).join(''),
      replace: cur.replace.map((l) => `${l}\n`).join(''),
      oldStart: cur.oldStart,
      removed: cur.search.length,
      added: cur.replace.length,
    });
  };
  for (const line of splitLines(toLf(diff))) {
    if (line.startsWith('@@')) {
      close();
      const start = /^@@\s*-(\d+)/.exec(line);
      cur = { search: [], replace: [], oldStart: start ? Number(start[1]) : undefined };
      continue;
    }
    if (!cur || line.startsWith('\\')) continue;
    const body = line.slice(1);
    if (line.startsWith('-')) cur.search.push(body);
    else if (line.startsWith('+')) cur.replace.push(body);
    else {
      const context = line.startsWith(' ') ? body : line;
      cur.search.push(context);
      cur.replace.push(context);
    }
  }
  close();
  return hunks;
}

export async function applyEdits(edits: Edit[], ctx: ApplyContext): Promise<FileChanges> {
  if (edits.length === 0) {
    throw new PatchError('the reply contains no edit (no SEARCH/REPLACE block, diff or code block)');
  }
  const files = new Map<string, FileState>();
  const sourceFocus = ctx.focusFiles.filter((f) => !ctx.isTestFile(f));

  const load = async (path: string): Promise<FileState> => {
    let state = files.get(path);
    if (!state) {
      const original = await ctx.readFile(path);
      state = {
        original,
        text: original === undefined ? undefined : toLf(original),
        eol: original?.includes('\r\n') ? '\r\n' : '\n',
      };
      files.set(path, state);
    }
    return state;
  };

  /** The project file an edit targets; `mayCreate` lets an unknown path name a new file. */
  const resolvePath = (written: string | undefined, mayCreate: boolean): string => {
    let path: string;
    if (written === undefined) {
      if (sourceFocus.length !== 1) {
        throw new PatchError(
          sourceFocus.length
            ? `an edit names no file and ${sourceFocus.length} files are in play (${sourceFocus.join(', ')}); name the file before each edit`
            : 'an edit names no file; name the file before each edit',
        );
      }
      path = sourceFocus[0];
    } else {
      const found = locateProjectFile(written, ctx.projectFiles);
      if (found) path = found;
      else if (!mayCreate) throw new PatchError(`the reply edits ${written}, which is not a file of the project`);
      else path = newFilePath(written);
    }
    if (ctx.isTestFile(path)) throw new PatchError(`candidate edits test file ${path}; tests are read-only`);
    return path;
  };

  const existing = async (path: string): Promise<FileState & { text: string }> => {
    const state = await load(path);
    if (state.text === undefined) throw new PatchError(`the reply edits ${path}, which does not exist`);
    return state as FileState & { text: string };
  };

  const replaceFunctionIn = async (path: string, code: string): Promise<void> => {
    const state = await existing(path);
    refuseElisions(code, state.text, path);
    if (!ctx.replaceFunction)
      throw new PatchError(`cannot place ${functionLabel(code)} in ${path}: no function replacement available`);
    const result = await ctx.replaceFunction(state.text, path, code);
    if (result === undefined) {
      throw new PatchError(
        `the reply's ${functionLabel(code)} matches no single function of ${path} (or does not parse)`,
      );
    }
    state.text = toLf(result);
  };

  const applyDiff = async (edit: UnifiedDiffEdit): Promise<void> => {
    const path = resolvePath(edit.file, false);
    const state = await existing(path);
    const hunks = parseHunks(edit.diff);
    if (hunks.length === 0) throw new PatchError(`the diff for ${path} has no hunks (@@ lines)`);
    let shift = 0;
    hunks.forEach((hunk, k) => {
      const label = hunks.length > 1 ? `diff hunk ${k + 1}` : 'diff hunk';
      if (splitLines(hunk.search).every((l) => l.trim() === '')) {
        if (state.text.trim() !== '')
          throw new PatchError(`${label} for ${path} has no context or removed lines to place it`);
        state.text = hunk.replace;
      } else {
        const hintLine = hunk.oldStart !== undefined ? hunk.oldStart - 1 + shift : undefined;
        state.text = replaceBlock(state.text, hunk.search, hunk.replace, { file: path, label, hintLine });
      }
      shift += hunk.added - hunk.removed;
    });
  };

  for (const edit of edits) {
    switch (edit.kind) {
      case 'search-replace': {
        if (edit.problem) throw new PatchError(edit.problem);
        const creates = edit.search.trim() === '';
        const path = resolvePath(edit.file, creates);
        const state = await load(path);
        if (creates) {
          if (state.text !== undefined && state.text.trim() !== '') {
            throw new PatchError(`a SEARCH block for ${path} is empty; copy the lines to replace into it`);
          }
          state.text = toLf(edit.replace);
        } else {
          const { text } = await existing(path);
          state.text = replaceBlock(text, toLf(edit.search), toLf(edit.replace), { file: path, label: 'SEARCH block' });
        }
        break;
      }
      case 'unified-diff':
        await applyDiff(edit);
        break;
      case 'whole-file': {
        if (await quotesTestCode(edit.file, edit.content)) break;
        const path = resolvePath(edit.file, true);
        const state = await load(path);
        if (state.text !== undefined && isOnlyAFunction(edit.content, state.text)) {
          await replaceFunctionIn(path, edit.content);
        } else {
          refuseElisions(edit.content, state.text, path);
          let text = toLf(edit.content);
          if (state.text !== undefined && !state.text.endsWith('\n')) text = text.replace(/\n$/, '');
          state.text = text;
        }
        break;
      }
      case 'whole-function': {
        if (edit.file !== undefined && (await quotesTestCode(edit.file, edit.code))) break;
        if (edit.file !== undefined || sourceFocus.length === 1) {
          await replaceFunctionIn(resolvePath(edit.file, false), edit.code);
          break;
        }
        await replaceInSomeFocusFile(edit.code);
        break;
      }
    }
  }

  /**
   * A code block naming a test file whose code is already in that file only quotes the test (models show
   * the test they are fixing for); it is no edit. Any block that would change a test is still refused.
   */
  async function quotesTestCode(written: string | undefined, block: string): Promise<boolean> {
    const path = written === undefined ? undefined : locateProjectFile(written, ctx.projectFiles);
    if (path === undefined || !ctx.isTestFile(path)) return false;
    const { text } = await load(path);
    const solid = (t: string) =>
      `\n${splitLines(toLf(t))
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n')}\n`;
    return text !== undefined && block.trim() !== '' && solid(text).includes(solid(block));
  }

  async function replaceInSomeFocusFile(code: string): Promise<void> {
    if (sourceFocus.length === 0)
      throw new PatchError(`the reply's ${functionLabel(code)} names no file; name the file before the code`);
    const replaceFunction = ctx.replaceFunction;
    if (!replaceFunction)
      throw new PatchError(`cannot place ${functionLabel(code)}: no function replacement available`);
    const fits: Array<{ state: FileState; path: string; text: string }> = [];
    for (const path of sourceFocus) {
      const state = await load(path);
      if (state.text === undefined) continue;
      refuseElisions(code, state.text, path);
      const text = await replaceFunction(state.text, path, code).catch(() => undefined);
      if (text !== undefined) fits.push({ state, path, text });
    }
    if (fits.length === 0) {
      throw new PatchError(`the reply's ${functionLabel(code)} matches no function of ${sourceFocus.join(', ')}`);
    }
    if (fits.length > 1) {
      throw new PatchError(
        `the reply's ${functionLabel(code)} matches functions in ${fits.map((f) => f.path).join(' and ')}; name the file`,
      );
    }
    fits[0].state.text = toLf(fits[0].text);
  }

  const changes: FileChanges = new Map();
  for (const [path, state] of files) {
    if (state.text === undefined) continue;
    if (state.original !== undefined && toLf(state.original) === state.text) continue;
    changes.set(path, state.eol === '\r\n' ? state.text.replace(/\n/g, '\r\n') : state.text);
  }
  if (changes.size === 0) throw new PatchError("the reply's edits change nothing");
  return changes;
}

function newFilePath(written: string): string {
  const path = written
    .trim()
    .replace(/\\/g, '/')
    .replace(/^(?:\.\/)+/, '');
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.split('/').includes('..')) {
    throw new PatchError(`the reply creates ${written}, which is outside the project`);
  }
  return path;
}
