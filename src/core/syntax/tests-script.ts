import { namedChildren, rangeOf } from './definitions';
import type { Node } from './parser';
import type { TestDefinition } from './tests';

/*
 * JavaScript/TypeScript tests: `describe`/`it`/`test`/`suite` calls with their modifiers, `.each` tables
 * and computed names. A name's computed parts become wildcards of a pattern the reported names match.
 */

const TESTS = new Set(['test', 'it', 'specify', 'xit', 'fit', 'xtest']);
const SUITES = new Set(['describe', 'suite', 'context', 'xdescribe', 'fdescribe']);
const MODIFIERS = new Set(['only', 'skip', 'todo', 'concurrent', 'failing', 'serial', 'sequential', 'fails']);
/** `test.each(table)(name, fn)`, `test.for(table)(...)`: the name may hold the row's values. */
const TABLES = new Set(['each', 'for']);
/** `test.skipIf(condition)(name, fn)`, `test.runIf(...)`: a plain name, chosen at run time. */
const CONDITIONS = new Set(['skipIf', 'runIf']);
/** Where the framework puts a row's values into an `.each` name: printf-style, `$field.path` or `${field}`. */
const PLACEHOLDER = /%%|%[sdifjoOpc#$]|\$\{[^}]*\}|\$[A-Za-z_#][\w$]*(?:\.[\w$]+)*/g;
/** Any text that does not cross into another suite's name (` > ` joins them). */
const ANY = '(?:(?! > )[\\s\\S])*?';

/** A name as written and, as a regular expression source, the names it stands for. */
interface Name {
  text: string;
  source: string;
  computed: boolean;
}

export function visitScript(root: Node): TestDefinition[] {
  const found: TestDefinition[] = [];
  visit(root, [], found);
  return found;
}

function visit(node: Node, parents: Name[], found: TestDefinition[]): void {
  for (const child of namedChildren(node)) {
    const test = child.type === 'call_expression' ? readTestCall(child) : undefined;
    if (!test) {
      visit(child, parents, found);
      continue;
    }
    const chain = [...parents, test.name];
    const definition: TestDefinition = {
      name: test.name.text,
      fullName: chain.map((p) => p.text).join(' > '),
      range: rangeOf(child),
      kind: test.kind,
    };
    if (chain.some((p) => p.computed))
      definition.fullNamePattern = new RegExp(`^${chain.map((p) => p.source).join(' > ')}$`);
    found.push(definition);
    visit(child, chain, found);
  }
}

function readTestCall(call: Node): { name: Name; kind: TestDefinition['kind'] } | undefined {
  let callee = call.childForFieldName('function');
  let table = false;
  if (callee?.type === 'call_expression') {
    // `it.each(rows)('adds %d', fn)`: the callee is itself a call, of a table or a condition.
    const inner = callee.childForFieldName('function');
    const property = inner?.type === 'member_expression' ? inner.childForFieldName('property')?.text : undefined;
    if (!inner || !property || !(TABLES.has(property) || CONDITIONS.has(property))) return undefined;
    table = TABLES.has(property);
    callee = inner.childForFieldName('object');
  }
  const kind = calleeKind(callee);
  const args = call.childForFieldName('arguments');
  const first = args?.namedChild(0);
  if (!kind || !args || !first) return undefined;
  const name = nameOf(first, table);
  // A computed name, or `x.test(...)`, proves little (`digits.test(text)`): a test then also gets its body.
  const needsBody = name?.computed || calleeIsMember(callee);
  if (!name || (needsBody && !namedChildren(args).slice(1).some(isFunction))) return undefined;
  return { name, kind };
}

/** `test`, `it.only`, `describe.skip`, `test.concurrent.only`, `t.test` (node:test subtests), ... */
function calleeKind(callee: Node | null): TestDefinition['kind'] | undefined {
  const kindOf = (name: string): TestDefinition['kind'] | undefined =>
    TESTS.has(name) ? 'test' : SUITES.has(name) ? 'suite' : undefined;
  const node = withoutModifiers(callee);
  if (node?.type === 'identifier') return kindOf(node.text);
  if (node?.type !== 'member_expression') return undefined;
  const property = node.childForFieldName('property')?.text ?? '';
  return ['test', 'it', 'describe', 'suite'].includes(property) ? kindOf(property) : undefined;
}

/** `t.test`, `suite.it`: a method of some object rather than the framework's own function. */
function calleeIsMember(callee: Node | null): boolean {
  return withoutModifiers(callee)?.type === 'member_expression';
}

/** `test.concurrent.only` → `test`. */
function withoutModifiers(callee: Node | null): Node | null {
  let node = callee;
  while (node?.type === 'member_expression' && MODIFIERS.has(node.childForFieldName('property')?.text ?? ''))
    node = node.childForFieldName('object');
  return node;
}

function isFunction(node: Node): boolean {
  return ['arrow_function', 'function_expression', 'function', 'identifier', 'member_expression'].includes(node.type);
}

/** The name a test call gives: literal, with `.each` placeholders, a template with `${expr}`, or computed. */
function nameOf(node: Node, table: boolean): Name | undefined {
  if (node.type === 'string') {
    const literal = stringText(node);
    return literal === undefined ? undefined : fromText(literal, table);
  }
  if (node.type === 'template_string') return fromTemplate(node, table);
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const parts = left && right ? [nameOf(left, table), nameOf(right, table)] : [];
    if (parts.length !== 2 || parts.some((p) => !p)) return undefined;
    return join(parts as Name[]);
  }
  if (node.type === 'parenthesized_expression')
    return node.namedChild(0) ? nameOf(node.namedChild(0)!, table) : undefined;
  return { text: node.text, source: ANY, computed: true };
}

/** Literal text; in an `.each` name its placeholders match any value. */
function fromText(text: string, table: boolean): Name {
  if (!table) return { text, source: escapeRegExp(text), computed: false };
  let source = '';
  let last = 0;
  let computed = false;
  for (const match of text.matchAll(PLACEHOLDER)) {
    source += escapeRegExp(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[0] === '%%') source += '%';
    else {
      source += ANY;
      computed = true;
    }
  }
  source += escapeRegExp(text.slice(last));
  return { text, source, computed };
}

function fromTemplate(node: Node, table: boolean): Name {
  const parts: Name[] = [];
  let last = node.startIndex + 1;
  const body = node.text;
  const textBetween = (from: number, to: number): string =>
    unescape(body.slice(from - node.startIndex, to - node.startIndex));
  for (const child of namedChildren(node)) {
    if (child.type !== 'template_substitution') continue;
    parts.push(fromText(textBetween(last, child.startIndex), table));
    parts.push({ text: child.text, source: ANY, computed: true });
    last = child.endIndex;
  }
  parts.push(fromText(textBetween(last, node.endIndex - 1), table));
  return join(parts);
}

function join(parts: Name[]): Name {
  return {
    text: parts.map((p) => p.text).join(''),
    source: parts.map((p) => p.source).join(''),
    computed: parts.some((p) => p.computed),
  };
}

/** The value of a plain string, or undefined when it holds something tree-sitter could not read. */
function stringText(node: Node): string | undefined {
  const fragments = namedChildren(node);
  return fragments.every((f) => f.type === 'string_fragment' || f.type === 'escape_sequence')
    ? unescape(node.text.slice(1, -1))
    : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unescape(body: string): string {
  return body.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[^])/g, (_, esc: string) => {
    if (esc[0] === 'u' || esc[0] === 'x') return String.fromCodePoint(parseInt(esc.replace(/[ux{}]/g, ''), 16));
    return (
      ({ '\n': '', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', 0: '\0' } as Record<string, string>)[esc] ??
      esc
    );
  });
}
