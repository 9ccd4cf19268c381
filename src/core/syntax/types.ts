/** Syntax facts from tree-sitter, in project terms. */

export type LanguageId = 'python' | 'javascript' | 'typescript' | 'tsx' | 'go' | 'rust';

export interface CodeRange {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Byte-free character offsets into the file text. */
  startIndex: number;
  endIndex: number;
}

export interface FunctionInfo {
  /** Simple name, e.g. `mean`; methods are `Class.method`. */
  name: string;
  file: string;
  range: CodeRange;
  /** Source text of the whole definition (decorators included). */
  text: string;
  /** `method`: inside a class or object literal; `nested`: inside another function. */
  kind?: 'function' | 'method' | 'nested';
}

export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}
