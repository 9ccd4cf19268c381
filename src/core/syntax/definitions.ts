/**
 * Function definitions pulled out of a tree as plain data (tree nodes die with their tree).
 * Shared by listFunctions and replaceFunctionDefinition.
 */
import { goDefinitions } from './definitions-go';
import { visitRust } from './definitions-rust';
import type { Node } from './parser';
import type { CodeRange, LanguageId } from './types';

export type DefinitionKind = 'function' | 'method' | 'nested';

export interface Definition {
  /** Dotted path through enclosing classes/objects/functions, e.g. `Summary.spread`. */
  name: string;
  simpleName: string;
  kind: DefinitionKind;
  /** Whole definition: decorators and `export` included. */
  outer: CodeRange;
  /** The definition without its decorators or `export` keyword. */
  inner: CodeRange;
  /** What lies between outer and inner, if anything. */
  wrapper?: 'decorators' | 'export';
  /** Written as a method: in a class, or (Python) taking `self`/`cls` or marked static/class method. */
  methodLike: boolean;
}

export interface Scope {
  /** A module (Rust's `mod`) names its functions without making them methods. */
  kind: 'class' | 'function' | 'module';
  name: string;
}

export function rangeOf(first: Node, last: Node = first): CodeRange {
  return {
    startLine: first.startPosition.row + 1,
    endLine: last.endPosition.row + 1,
    startIndex: first.startIndex,
    endIndex: last.endIndex,
  };
}

export function namedChildren(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => c !== null);
}

export function collectDefinitions(root: Node, lang: LanguageId): Definition[] {
  const out: Definition[] = [];
  if (lang === 'python') visitPython(root, [], out);
  else if (lang === 'go') out.push(...goDefinitions(root));
  else if (lang === 'rust') visitRust(root, [], out, define);
  else visitScript(root, [], out);
  return out.sort((a, b) => a.outer.startIndex - b.outer.startIndex || b.outer.endIndex - a.outer.endIndex);
}

export type Define = typeof define;

function define(
  out: Definition[],
  scopes: Scope[],
  simpleName: string,
  outer: CodeRange,
  inner: CodeRange,
  wrapper?: Definition['wrapper'],
  methodLike = false,
): void {
  const kind: DefinitionKind = scopes.some((s) => s.kind === 'function')
    ? 'nested'
    : scopes.some((s) => s.kind === 'class')
      ? 'method'
      : 'function';
  out.push({
    name: [...scopes.map((s) => s.name), simpleName].join('.'),
    simpleName,
    kind,
    outer,
    inner,
    ...(wrapper && { wrapper }),
    methodLike: methodLike || kind === 'method',
  });
}

function looksLikePythonMethod(decorated: Node, def: Node): boolean {
  const first = def.childForFieldName('parameters')?.namedChild(0);
  const firstName = first?.type === 'identifier' ? first.text : first?.namedChild(0)?.text;
  if (firstName === 'self' || firstName === 'cls') return true;
  return namedChildren(decorated).some(
    (d) => d.type === 'decorator' && /^@\s*(staticmethod|classmethod)\b/.test(d.text),
  );
}

function visitPython(node: Node, scopes: Scope[], out: Definition[]): void {
  for (const child of namedChildren(node)) {
    const def = child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    const name = def?.childForFieldName('name')?.text;
    if (!def || !name) {
      visitPython(child, scopes, out);
      continue;
    }
    if (def.type === 'function_definition') {
      define(
        out,
        scopes,
        name,
        rangeOf(child),
        rangeOf(def),
        child === def ? undefined : 'decorators',
        looksLikePythonMethod(child, def),
      );
      visitPython(def, [...scopes, { kind: 'function', name }], out);
    } else if (def.type === 'class_definition') {
      visitPython(def, [...scopes, { kind: 'class', name }], out);
    } else {
      visitPython(child, scopes, out);
    }
  }
}

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

function visitScript(node: Node, scopes: Scope[], out: Definition[]): void {
  for (const child of namedChildren(node)) visitScriptNode(child, scopes, out);
}

function visitScriptNode(node: Node, scopes: Scope[], out: Definition[]): void {
  const exported = node.parent?.type === 'export_statement' ? node.parent : undefined;
  switch (node.type) {
    case 'function_declaration':
    case 'generator_function_declaration': {
      const name = node.childForFieldName('name')?.text;
      if (!name) break;
      define(out, scopes, name, rangeOf(exported ?? node), rangeOf(node), exported && 'export');
      return visitScript(node, [...scopes, { kind: 'function', name }], out);
    }
    case 'lexical_declaration':
    case 'variable_declaration': {
      const declarators = namedChildren(node).filter((c) => c.type === 'variable_declarator');
      for (const declarator of declarators) {
        const name = declarator.childForFieldName('name');
        const value = declarator.childForFieldName('value');
        if (name?.type !== 'identifier' || !value) {
          visitScript(declarator, scopes, out);
        } else if (FUNCTION_VALUES.has(value.type)) {
          // `const f = ...;` alone is replaced as a whole statement; in a list, only its declarator.
          const alone = declarators.length === 1;
          const inner = alone ? node : declarator;
          define(
            out,
            scopes,
            name.text,
            rangeOf(alone ? (exported ?? node) : declarator),
            rangeOf(inner),
            alone && exported ? 'export' : undefined,
          );
          visitScript(value, [...scopes, { kind: 'function', name: name.text }], out);
        } else if (value.type === 'object') {
          visitObject(value, [...scopes, { kind: 'class', name: name.text }], out);
        } else if (value.type === 'class' && value.childForFieldName('body')) {
          visitClassBody(value.childForFieldName('body')!, [...scopes, { kind: 'class', name: name.text }], out);
        } else {
          visitScriptNode(value, scopes, out);
        }
      }
      return;
    }
    case 'expression_statement': {
      const assignment = node.namedChild(0);
      if (assignment?.type === 'assignment_expression' && visitAssignment(node, assignment, scopes, out)) return;
      break;
    }
    case 'class_declaration':
    case 'abstract_class_declaration':
    case 'class': {
      const name = node.childForFieldName('name')?.text;
      const body = node.childForFieldName('body');
      if (!name || !body) break;
      return visitClassBody(body, [...scopes, { kind: 'class', name }], out);
    }
  }
  visitScript(node, scopes, out);
}

/** `module.exports.f = ...`, `exports.f = ...`, `Foo.prototype.f = ...`, `module.exports = { ... }`. */
function visitAssignment(statement: Node, assignment: Node, scopes: Scope[], out: Definition[]): boolean {
  const left = assignment.childForFieldName('left');
  const right = assignment.childForFieldName('right');
  if (left?.type !== 'member_expression' || !right) return false;
  const target = left.text.replace(/\s+/g, '');
  if (target === 'module.exports' && right.type === 'object') {
    visitObject(right, scopes, out);
    return true;
  }
  if (!FUNCTION_VALUES.has(right.type)) return false;
  const name = left.childForFieldName('property')?.text;
  const owner = left.childForFieldName('object')?.text.replace(/\s+/g, '');
  if (!name || !owner) return false;
  const prototypeOf = /^([\w$]+)\.prototype$/.exec(owner)?.[1];
  let scope = scopes;
  if (prototypeOf) scope = [...scopes, { kind: 'class', name: prototypeOf }];
  else if (owner !== 'module.exports' && owner !== 'exports') return false;
  define(out, scope, name, rangeOf(statement), rangeOf(statement));
  visitScript(right, [...scope, { kind: 'function', name }], out);
  return true;
}

function memberName(node: Node): string | undefined {
  const key = node.childForFieldName('name') ?? node.childForFieldName('key') ?? node.childForFieldName('property');
  if (!key) return undefined;
  if (key.type === 'string') return key.text.slice(1, -1);
  return key.type === 'computed_property_name' ? undefined : key.text;
}

function visitClassBody(body: Node, scopes: Scope[], out: Definition[]): void {
  for (const member of namedChildren(body)) {
    const value = member.type === 'method_definition' ? member : member.childForFieldName('value');
    const name = memberName(member);
    const isFunction = member.type === 'method_definition' || (value && FUNCTION_VALUES.has(value.type));
    if (!name || !value || !isFunction) {
      visitScriptNode(member, scopes, out);
      continue;
    }
    // TypeScript puts member decorators before the member as siblings; JavaScript puts them inside.
    let first: Node = member;
    while (first.previousNamedSibling?.type === 'decorator') first = first.previousNamedSibling;
    const ownDecorators = namedChildren(member).filter((c) => c.type === 'decorator');
    const afterDecorators = ownDecorators.length > 0 ? ownDecorators[ownDecorators.length - 1].nextSibling : null;
    const inner = afterDecorators ? rangeOf(afterDecorators, member) : rangeOf(member);
    define(
      out,
      scopes,
      name,
      rangeOf(first, member),
      inner,
      first !== member || afterDecorators ? 'decorators' : undefined,
    );
    visitScript(value, [...scopes, { kind: 'function', name }], out);
  }
}

function visitObject(object: Node, scopes: Scope[], out: Definition[]): void {
  for (const member of namedChildren(object)) {
    const value =
      member.type === 'method_definition' ? member : member.type === 'pair' ? member.childForFieldName('value') : null;
    const name = memberName(member);
    if (name && value && (member.type === 'method_definition' || FUNCTION_VALUES.has(value.type))) {
      define(out, scopes, name, rangeOf(member), rangeOf(member));
      visitScript(value, [...scopes, { kind: 'function', name }], out);
    } else {
      visitScriptNode(member, scopes, out);
    }
  }
}
