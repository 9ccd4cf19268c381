/** Rust functions for collectDefinitions: `fn`s, methods of `impl Type` and traits as `Type.method`, `mod` paths. */
import { namedChildren, rangeOf, type Define, type Definition, type Scope } from './definitions';
import type { Node } from './parser';

export function visitRust(node: Node | null, scopes: Scope[], out: Definition[], define: Define): void {
  for (const child of node ? namedChildren(node) : []) {
    const name = child.childForFieldName('name')?.text;
    if (child.type === 'function_item' && name) {
      // Attributes (`#[test]`, `#[inline]`) stand before the item as siblings, as decorators do in TypeScript.
      let first = child;
      while (first.previousNamedSibling?.type === 'attribute_item') first = first.previousNamedSibling;
      const takesSelf = namedChildren(child.childForFieldName('parameters') ?? child).some(
        (p) => p.type === 'self_parameter',
      );
      define(
        out,
        scopes,
        name,
        rangeOf(first, child),
        rangeOf(child),
        first === child ? undefined : 'decorators',
        takesSelf,
      );
      visitRust(child.childForFieldName('body'), [...scopes, { kind: 'function', name }], out, define);
    } else if (child.type === 'impl_item' || child.type === 'trait_item') {
      const owner = child.type === 'impl_item' ? typeName(child.childForFieldName('type')) : name;
      const body = child.childForFieldName('body');
      if (owner) visitRust(body, [...scopes, { kind: 'class', name: owner }], out, define);
    } else if (child.type === 'mod_item' && name) {
      visitRust(child.childForFieldName('body'), [...scopes, { kind: 'module', name }], out, define);
    } else {
      visitRust(child, scopes, out, define);
    }
  }
}

/** `Stack<T>` → `Stack`, `fmt::Formatter` → `Formatter`, `&'a str` and other types without a plain name → undefined. */
function typeName(type: Node | null): string | undefined {
  if (type?.type === 'generic_type') return typeName(type.childForFieldName('type'));
  if (type?.type === 'scoped_type_identifier') return type.childForFieldName('name')?.text;
  return type?.type === 'type_identifier' || type?.type === 'primitive_type' ? type.text : undefined;
}

/** The name a Rust call calls: `f(x)`, `a.f(x)`, `m::f(x)`, `f::<T>(x)`, and `f(x)` inside a macro's tokens (`assert_eq!(f(x), 2)`). */
export function rustCalleeName(node: Node): Node | undefined {
  if (node.type === 'call_expression') return calleeOf(node.childForFieldName('function'));
  // A macro's arguments are a tree of tokens, not expressions: a name right before `( … )` is a call.
  if (node.type === 'identifier' && node.parent?.type === 'token_tree') {
    const next = node.nextSibling;
    if (next?.type === 'token_tree' && next.text.startsWith('(')) return node;
  }
  return undefined;
}

function calleeOf(fn: Node | null): Node | undefined {
  if (fn?.type === 'identifier') return fn;
  if (fn?.type === 'field_expression') return fn.childForFieldName('field') ?? undefined;
  if (fn?.type === 'scoped_identifier') return fn.childForFieldName('name') ?? undefined;
  if (fn?.type === 'generic_function') return calleeOf(fn.childForFieldName('function'));
  return undefined;
}
