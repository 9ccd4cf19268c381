import { namedChildren } from './definitions';
import { withTree, type Node } from './parser';
import type { LanguageId, SyntaxProblem } from './types';

const MAX_PROBLEMS = 20;
const SNIPPET_LENGTH = 40;

/** Syntax errors in `text`, in source order; empty when it parses cleanly. */
export async function findSyntaxProblems(text: string, lang: LanguageId): Promise<SyntaxProblem[]> {
  return withTree(text, lang, (root) => {
    const problems: SyntaxProblem[] = [];
    if (root.hasError) collectTreeProblems(root, problems);
    // tree-sitter's Python grammar accepts bad indentation that Python rejects, so check it separately.
    if (problems.length === 0 && lang === 'python') {
      const problem = pythonIndentationProblem(root, text);
      if (problem) problems.push(problem);
    }
    return problems.slice(0, MAX_PROBLEMS);
  });
}

/** One `file:line:column: message` line per problem, as compilers print them. */
export function formatSyntaxProblems(file: string, problems: readonly SyntaxProblem[]): string {
  return problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`).join('\n');
}

function collectTreeProblems(node: Node, problems: SyntaxProblem[]): void {
  if (node.isMissing) {
    problems.push(at(node, `missing ${node.isNamed ? node.type : `"${node.type}"`}`));
    return;
  }
  if (node.isError) {
    const snippet = node.text.trim().split(/\r?\n/)[0];
    const shown = snippet.length > SNIPPET_LENGTH ? `${snippet.slice(0, SNIPPET_LENGTH)}...` : snippet;
    problems.push(at(node, shown ? `syntax error near "${shown}"` : 'syntax error'));
    return;
  }
  for (const child of node.children)
    if (child && (child.hasError || child.isMissing)) collectTreeProblems(child, problems);
}

function at(node: Node, message: string): SyntaxProblem {
  return { line: node.startPosition.row + 1, column: node.startPosition.column + 1, message };
}

const CLAUSES = new Set([
  'elif_clause',
  'else_clause',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'case_clause',
]);

interface LogicalLine {
  row: number;
  column: number;
  /** First statement of a block: the one place a deeper indent is allowed. */
  opensBlock: boolean;
}

/** The first indentation error Python's tokenizer would raise, if any. */
function pythonIndentationProblem(root: Node, text: string): SyntaxProblem | undefined {
  const lineStarts = lineStartOffsets(text);
  const lines = new Map<number, LogicalLine>();
  const emptyBlocks: Node[] = [];
  const note = (node: Node, opensBlock: boolean): void => {
    const { row, column } = node.startPosition;
    if (text.slice(lineStarts[row], node.startIndex).trim() !== '') return; // not the first thing on its line
    const seen = lines.get(row);
    lines.set(row, { row, column, opensBlock: opensBlock || (seen?.opensBlock ?? false) });
  };
  const visit = (node: Node): void => {
    const statements = namedChildren(node).filter((c) => c.type !== 'comment');
    if (node.type === 'block' && statements.length === 0) emptyBlocks.push(node);
    statements.forEach((child, i) => {
      if (
        node.type === 'module' ||
        node.type === 'block' ||
        CLAUSES.has(child.type) ||
        node.type === 'decorated_definition'
      ) {
        note(child, node.type === 'block' && i === 0);
      }
      visit(child);
    });
  };
  visit(root);

  const problems: SyntaxProblem[] = [];
  const stack = [0];
  for (const line of [...lines.values()].sort((a, b) => a.row - b.row)) {
    const width = indentWidth(text.slice(lineStarts[line.row], lineStarts[line.row] + line.column));
    const top = stack[stack.length - 1];
    if (width > top) {
      if (!line.opensBlock) {
        problems.push({ line: line.row + 1, column: line.column + 1, message: 'unexpected indent' });
        break;
      }
      stack.push(width);
    } else if (width < top) {
      while (width < stack[stack.length - 1]) stack.pop();
      if (width !== stack[stack.length - 1]) {
        problems.push({
          line: line.row + 1,
          column: line.column + 1,
          message: 'unindent does not match any outer indentation level',
        });
        break;
      }
    }
  }
  for (const block of emptyBlocks) {
    const header = (block.parent ?? block).startPosition.row + 1;
    const next = nextCodeLine(text, lineStarts, block.startPosition.row + 1);
    problems.push({
      ...(next ?? { line: header, column: block.startPosition.column + 1 }),
      message: `expected an indented block after line ${header}`,
    });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column)[0];
}

function lineStartOffsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Width of leading whitespace as Python's tokenizer measures it (tabs to the next multiple of 8). */
function indentWidth(whitespace: string): number {
  let width = 0;
  for (const ch of whitespace) width = ch === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
  return width;
}

function nextCodeLine(
  text: string,
  lineStarts: number[],
  fromRow: number,
): { line: number; column: number } | undefined {
  for (let row = fromRow; row < lineStarts.length; row++) {
    const content = text.slice(lineStarts[row], lineStarts[row + 1] ?? text.length);
    const trimmed = content.trimStart();
    if (trimmed.trim() !== '' && !trimmed.startsWith('#'))
      return { line: row + 1, column: content.length - trimmed.length + 1 };
  }
  return undefined;
}
