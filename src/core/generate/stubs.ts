/**
 * Stubs: functions declared with a signature and docs but no real body yet (`pass`, `...`,
 * `raise NotImplementedError`, `throw new Error(...)`, `todo!()`, `unimplemented!()`, `panic("not
 * implemented")`, or nothing at all). Found with the grammars the engine parses everything else with.
 */
import { collectDefinitions, namedChildren, type Definition } from '../syntax/definitions';
import { withTree, type Node } from '../syntax/parser';
import type { CodeRange, LanguageId } from '../syntax/types';

/** One function of a file as generate mode sees it. */
export interface FunctionShape {
  /** `mean`, `Summary.spread` for a method. */
  name: string;
  simpleName: string;
  file: string;
  /** The whole definition, decorators and doc comments above it left out. */
  range: CodeRange;
  /** The definition's text up to its body, e.g. `def mean(xs):`. */
  signature: string;
  /** The docstring and the comments above or inside the definition; empty when there are none. */
  docs: string;
  /** The stub's body as written (`pass`, `todo!()`, `` for an empty one); undefined for a real body. */
  stubBody?: string;
}

/** A function generate mode can implement: a stub body and docs saying what it should do. */
export type Stub = FunctionShape & { stubBody: string };

export function isStub(fn: FunctionShape): fn is Stub {
  return fn.stubBody !== undefined && fn.docs.trim() !== '';
}

/** Every function of `text` with a body, in source order, with its docs and whether its body is a stub. */
export async function functionShapes(text: string, file: string, lang: LanguageId): Promise<FunctionShape[]> {
  return withTree(text, lang, (root) =>
    collectDefinitions(root, lang).flatMap((definition) => {
      const shape = shapeOf(root, definition, lang, text);
      return shape ? [{ ...shape, file }] : [];
    }),
  );
}

/** The stubs of `text`: the functions the Implement lens and the quick pick offer. */
export async function findStubs(text: string, file: string, lang: LanguageId): Promise<Stub[]> {
  return (await functionShapes(text, file, lang)).filter(isStub);
}

const FUNCTION_TYPES = new Set([
  'function_definition',
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'generator_function',
  'method_definition',
  'method_declaration',
  'function_item',
]);

function shapeOf(
  root: Node,
  definition: Definition,
  lang: LanguageId,
  text: string,
): Omit<FunctionShape, 'file'> | undefined {
  const fn = functionNode(root.descendantForIndex(definition.inner.startIndex, definition.inner.endIndex - 1));
  const body = fn?.childForFieldName('body');
  if (!fn || !body) return undefined;
  const statements = isBlock(body) ? blockStatements(body, lang) : [];
  const docstring = lang === 'python' ? pythonDocstring(statements) : undefined;
  const rest = docstring ? statements.slice(1) : statements;
  const docs = [
    ...commentsAbove(statementAt(root, definition.outer.startIndex), lang),
    docstring?.text,
    ...commentsIn(body),
  ]
    .filter((d): d is string => !!d)
    .join('\n');
  return {
    name: definition.name,
    simpleName: definition.simpleName,
    range: definition.outer,
    signature: text.slice(definition.inner.startIndex, body.startIndex).trim(),
    docs,
    ...(isBlock(body) && isStubBody(rest, lang) ? { stubBody: rest.map((s) => s.text).join('\n') } : {}),
  };
}

/** The function node of a definition's range: itself, or the function value a declaration or pair holds. */
function functionNode(node: Node | null): Node | undefined {
  if (!node) return undefined;
  if (FUNCTION_TYPES.has(node.type) && node.childForFieldName('body')) return node;
  const queue = namedChildren(node);
  while (queue.length) {
    const next = queue.shift()!;
    if (FUNCTION_TYPES.has(next.type) && next.childForFieldName('body')) return next;
    if (!FUNCTION_TYPES.has(next.type)) queue.push(...namedChildren(next));
  }
  return undefined;
}

/** An arrow function's expression body (`(x) => x * 2`) is real code: it is never a stub. */
function isBlock(body: Node): boolean {
  return body.type === 'block' || body.type === 'statement_block';
}

/** The block's statements, comments left out; Go's grammar may wrap them in a statement list. */
function blockStatements(block: Node, lang: LanguageId): Node[] {
  const children = namedChildren(block).flatMap((c) => (c.type === 'statement_list' ? namedChildren(c) : [c]));
  return children.filter((c) => !isComment(c) && !(lang === 'rust' && c.type === 'empty_statement'));
}

function isComment(node: Node): boolean {
  return node.type === 'comment' || node.type === 'line_comment' || node.type === 'block_comment';
}

function pythonDocstring(statements: Node[]): Node | undefined {
  const first = statements[0];
  return first?.type === 'expression_statement' && first.namedChild(0)?.type === 'string' ? first : undefined;
}

const STUB_STATEMENTS: Record<LanguageId, RegExp> = {
  python: /^(?:pass|\.\.\.|raise\s+NotImplementedError\b[\s\S]*)$/,
  javascript: /^throw\s+new\s+\w*Error\s*\([\s\S]*\)\s*;?$/,
  typescript: /^throw\s+new\s+\w*Error\s*\([\s\S]*\)\s*;?$/,
  tsx: /^throw\s+new\s+\w*Error\s*\([\s\S]*\)\s*;?$/,
  go: /^panic\(\s*(?:"[^"]*(?:implement|todo)[^"]*"|`[^`]*(?:implement|todo)[^`]*`)\s*\)$/i,
  rust: /^(?:todo|unimplemented)!\s*[([{][\s\S]*[)\]}]\s*;?$/,
};

/** Nothing, or one placeholder statement: what a function looks like before it is written. */
function isStubBody(statements: Node[], lang: LanguageId): boolean {
  if (statements.length === 0) return true;
  return statements.length === 1 && STUB_STATEMENTS[lang].test(statements[0]!.text.trim());
}

/** The largest node starting where a definition starts (`export function f`, a decorated or attributed item). */
function statementAt(root: Node, startIndex: number): Node | null {
  let current: Node | null = root.descendantForIndex(startIndex);
  while (current?.parent && current.parent.startIndex === startIndex && current.parent.id !== root.id)
    current = current.parent;
  return current;
}

/** Doc comments right above a definition (attributes and decorators may stand between). */
function commentsAbove(node: Node | null, lang: LanguageId): string[] {
  const found: string[] = [];
  let below = node;
  let previous = node?.previousNamedSibling ?? null;
  while (previous && below && below.startPosition.row - previous.endPosition.row <= 1) {
    if (isComment(previous)) found.unshift(previous.text);
    else if (!(lang === 'rust' && previous.type === 'attribute_item') && previous.type !== 'decorator') break;
    below = previous;
    previous = previous.previousNamedSibling;
  }
  return found;
}

function commentsIn(body: Node): string[] {
  return body.descendantsOfType(['comment', 'line_comment', 'block_comment']).flatMap((c) => (c ? [c.text] : []));
}
