/** Edits proposed by a model reply, before they are applied to any file. */

export type EditFormat = 'search-replace' | 'unified-diff' | 'whole-function' | 'whole-file';

export interface SearchReplaceEdit {
  kind: 'search-replace';
  /** Path as written in the reply (may be relative, may be missing when only one file is in play). */
  file?: string;
  /** Each line ends with `\n`, so `''` is no line at all and `'\n'` is one blank line. */
  search: string;
  replace: string;
  /** Set when the block is malformed (e.g. never closed); applying it fails with this one-line message. */
  problem?: string;
}

export interface UnifiedDiffEdit {
  kind: 'unified-diff';
  file?: string;
  /** The diff text for this one file, hunks included. */
  diff: string;
}

export interface WholeFunctionEdit {
  kind: 'whole-function';
  /** Known when the fence or the line before names it. */
  file?: string;
  /** Complete new definition of one or more functions. */
  code: string;
  language?: string;
}

export interface WholeFileEdit {
  kind: 'whole-file';
  file: string;
  content: string;
}

export type Edit = SearchReplaceEdit | UnifiedDiffEdit | WholeFunctionEdit | WholeFileEdit;

/** What a reply said, split into the explanation and the edits it carries. */
export interface ParsedReply {
  explanation: string;
  edits: Edit[];
}

/** New content per project-relative path. */
export type FileChanges = Map<string, string>;

export class PatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchError';
  }
}
