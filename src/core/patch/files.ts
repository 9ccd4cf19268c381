/** The project files a set of edits works on, in memory: read once, resolved from the paths a reply writes. */
import type { FileChanges } from './types';
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
  replaceFunction?: (source: string, file: string, newCode: string) => Promise<string | undefined>;
}

export interface FileState {
  /** As read; undefined for a file the edits create. */
  original: string | undefined;
  /** With LF line endings. */
  text: string | undefined;
  eol: '\n' | '\r\n';
}

export type ExistingFile = FileState & { text: string };

export function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/** Resolves a path as a reply writes it to a project file (see EditedFiles.resolvePath), or undefined. */
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

/** The files edits have read or changed so far, by project path. */
export class EditedFiles {
  private readonly files = new Map<string, FileState>();
  /** Focus files that are not tests: the only places an edit without a file name can go. */
  readonly sourceFocus: string[];

  constructor(readonly ctx: ApplyContext) {
    this.sourceFocus = ctx.focusFiles.filter((f) => !ctx.isTestFile(f));
  }

  async load(path: string): Promise<FileState> {
    let state = this.files.get(path);
    if (!state) {
      const original = await this.ctx.readFile(path);
      state = {
        original,
        text: original === undefined ? undefined : toLf(original),
        eol: original?.includes('\r\n') ? '\r\n' : '\n',
      };
      this.files.set(path, state);
    }
    return state;
  }

  /** A file that must exist for the edit to apply. */
  async existing(path: string): Promise<ExistingFile> {
    const state = await this.load(path);
    if (state.text === undefined) throw new PatchError(`the reply edits ${path}, which does not exist`);
    return state as ExistingFile;
  }

  /** The project file an edit targets; `mayCreate` lets an unknown path name a new file. */
  resolvePath(written: string | undefined, mayCreate: boolean): string {
    const path = written === undefined ? this.onlyFocusFile() : this.projectPath(written, mayCreate);
    if (this.ctx.isTestFile(path)) throw new PatchError(`candidate edits test file ${path}; tests are read-only`);
    return path;
  }

  /** The test file a written path names, if it names one. */
  testFileNamed(written: string | undefined): string | undefined {
    const path = written === undefined ? undefined : locateProjectFile(written, this.ctx.projectFiles);
    return path !== undefined && this.ctx.isTestFile(path) ? path : undefined;
  }

  /** The changed files with their own line endings; an error when nothing changed. */
  changes(): FileChanges {
    const changes: FileChanges = new Map();
    for (const [path, state] of this.files) {
      if (state.text === undefined) continue;
      if (state.original !== undefined && toLf(state.original) === state.text) continue;
      changes.set(path, state.eol === '\r\n' ? state.text.replace(/\n/g, '\r\n') : state.text);
    }
    if (changes.size === 0) throw new PatchError("the reply's edits change nothing");
    return changes;
  }

  private onlyFocusFile(): string {
    const focus = this.sourceFocus;
    if (focus.length === 1) return focus[0]!;
    throw new PatchError(
      focus.length
        ? `an edit names no file and ${focus.length} files are in play (${focus.join(', ')}); name the file before each edit`
        : 'an edit names no file; name the file before each edit',
    );
  }

  private projectPath(written: string, mayCreate: boolean): string {
    const found = locateProjectFile(written, this.ctx.projectFiles);
    if (found) return found;
    if (!mayCreate) throw new PatchError(`the reply edits ${written}, which is not a file of the project`);
    return newFilePath(written);
  }
}
