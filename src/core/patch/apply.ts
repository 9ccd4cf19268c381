/**
 * Applies parsed edits to project files, in memory. Tolerant where models are sloppy (paths, whitespace,
 * line numbers), strict where a guess could change the wrong code (ambiguous matches, test files).
 * One function per edit format; the files themselves are kept by EditedFiles.
 */
import { EditedFiles, toLf, type ApplyContext, type FileState } from './files';
import { parseHunks } from './hunks';
import { replaceBlock, splitLines } from './match';
import { definedNames, importLines, startsWithDefinition } from './shape';
import type { Edit, FileChanges, SearchReplaceEdit, UnifiedDiffEdit, WholeFileEdit, WholeFunctionEdit } from './types';
import { PatchError } from './types';

export { locateProjectFile, type ApplyContext } from './files';

export async function applyEdits(edits: Edit[], ctx: ApplyContext): Promise<FileChanges> {
  if (edits.length === 0) {
    throw new PatchError('the reply contains no edit (no SEARCH/REPLACE block, diff or code block)');
  }
  const files = new EditedFiles(ctx);
  for (const edit of edits) {
    switch (edit.kind) {
      case 'search-replace':
        await applySearchReplace(files, edit);
        break;
      case 'unified-diff':
        await applyUnifiedDiff(files, edit);
        break;
      case 'whole-file':
        await applyWholeFile(files, edit);
        break;
      case 'whole-function':
        await applyWholeFunction(files, edit);
        break;
    }
  }
  return files.changes();
}

/** An empty SEARCH creates a file (or fills an empty one); otherwise SEARCH must match exactly once. */
async function applySearchReplace(files: EditedFiles, edit: SearchReplaceEdit): Promise<void> {
  if (edit.problem) throw new PatchError(edit.problem);
  const creates = edit.search.trim() === '';
  const path = files.resolvePath(edit.file, creates);
  const state = await files.load(path);
  if (creates) {
    if (state.text !== undefined && state.text.trim() !== '') {
      throw new PatchError(`a SEARCH block for ${path} is empty; copy the lines to replace into it`);
    }
    state.text = toLf(edit.replace);
  } else {
    const { text } = await files.existing(path);
    state.text = replaceBlock(text, toLf(edit.search), toLf(edit.replace), { file: path, label: 'SEARCH block' });
  }
}

/** Each hunk is placed by its content; its line number only breaks ties, shifted by the hunks before it. */
async function applyUnifiedDiff(files: EditedFiles, edit: UnifiedDiffEdit): Promise<void> {
  const path = files.resolvePath(edit.file, false);
  const state = await files.existing(path);
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
}

/** A whole file replaces (or creates) the file, unless it is clearly only a function of it. */
async function applyWholeFile(files: EditedFiles, edit: WholeFileEdit): Promise<void> {
  if (await quotesTestCode(files, edit.file, edit.content)) return;
  const path = files.resolvePath(edit.file, true);
  const state = await files.load(path);
  if (state.text !== undefined && isOnlyAFunction(edit.content, state.text)) {
    await replaceFunctionIn(files, path, edit.content);
    return;
  }
  refuseElisions(edit.content, state.text, path);
  let text = toLf(edit.content);
  if (state.text !== undefined && !state.text.endsWith('\n')) text = text.replace(/\n$/, '');
  state.text = text;
}

/** A function goes to the file it names, else to the only focus file, else to the one focus file it fits. */
async function applyWholeFunction(files: EditedFiles, edit: WholeFunctionEdit): Promise<void> {
  if (edit.file !== undefined && (await quotesTestCode(files, edit.file, edit.code))) return;
  if (edit.file !== undefined || files.sourceFocus.length === 1) {
    await replaceFunctionIn(files, files.resolvePath(edit.file, false), edit.code);
    return;
  }
  await replaceInSomeFocusFile(files, edit.code);
}

async function replaceFunctionIn(files: EditedFiles, path: string, code: string): Promise<void> {
  const state = await files.existing(path);
  refuseElisions(code, state.text, path);
  if (!files.ctx.replaceFunction)
    throw new PatchError(`cannot place ${functionLabel(code)} in ${path}: no function replacement available`);
  const result = await files.ctx.replaceFunction(state.text, path, code);
  if (result === undefined) {
    throw new PatchError(
      `the reply's ${functionLabel(code)} matches no single function of ${path} (or does not parse)`,
    );
  }
  state.text = toLf(result);
}

async function replaceInSomeFocusFile(files: EditedFiles, code: string): Promise<void> {
  const { sourceFocus } = files;
  if (sourceFocus.length === 0)
    throw new PatchError(`the reply's ${functionLabel(code)} names no file; name the file before the code`);
  const replaceFunction = files.ctx.replaceFunction;
  if (!replaceFunction) throw new PatchError(`cannot place ${functionLabel(code)}: no function replacement available`);
  const fits: Array<{ state: FileState; path: string; text: string }> = [];
  for (const path of sourceFocus) {
    const state = await files.load(path);
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
  fits[0]!.state.text = toLf(fits[0]!.text);
}

/**
 * A code block naming a test file whose code is already in that file only quotes the test (models show
 * the test they are fixing for); it is no edit. Any block that would change a test is still refused.
 */
async function quotesTestCode(files: EditedFiles, written: string | undefined, block: string): Promise<boolean> {
  const path = files.testFileNamed(written);
  if (path === undefined) return false;
  const { text } = await files.load(path);
  const solid = (t: string) =>
    `\n${splitLines(toLf(t))
      .map((l) => l.trim())
      .filter(Boolean)
      .join('\n')}\n`;
  return text !== undefined && block.trim() !== '' && solid(text).includes(solid(block));
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
