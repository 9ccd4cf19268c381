import { namedChildren, rangeOf } from './definitions';
import { withTree, type Node } from './parser';
import { visitRustTests } from './tests-rust';
import type { CodeRange, LanguageId } from './types';

export interface TestDefinition {
  name: string;
  /** `Suite > test` for JavaScript runners, `TestClass::test_x` for pytest. */
  fullName: string;
  /** Starts at the definition's first line (a decorated pytest test starts at its first decorator). */
  range: CodeRange;
  kind: 'test' | 'suite';
}

/** Tests and suites defined in a test file, in source order, nested ones after their suite. */
export async function findTestDefinitions(text: string, _file: string, lang: LanguageId): Promise<TestDefinition[]> {
  return withTree(text, lang, (root) => {
    const found: TestDefinition[] = [];
    if (lang === 'python') visitPytest(root, [], found);
    else if (lang === 'rust') visitRustTests(root, [], found);
    else visitScript(root, [], found);
    return found;
  });
}

/** pytest's default collection: `test*` functions at module level and in `Test*` classes. */
function visitPytest(node: Node, classes: string[], found: TestDefinition[]): void {
  for (const child of namedChildren(node)) {
    const def = child.type === 'decorated_definition' ? child.childForFieldName('definition') : child;
    const name = def?.childForFieldName('name')?.text;
    if (!def || !name) continue;
    if (def.type === 'function_definition' && name.startsWith('test')) {
      found.push({ name, fullName: [...classes, name].join('::'), range: rangeOf(child), kind: 'test' });
    } else if (def.type === 'class_definition' && name.startsWith('Test')) {
      found.push({ name, fullName: [...classes, name].join('::'), range: rangeOf(child), kind: 'suite' });
      const body = def.childForFieldName('body');
      if (body) visitPytest(body, [...classes, name], found);
    }
  }
}

const TESTS = new Set(['test', 'it', 'specify', 'xit', 'fit', 'xtest']);
const SUITES = new Set(['describe', 'suite', 'context', 'xdescribe', 'fdescribe']);
const MODIFIERS = new Set(['only', 'skip', 'todo', 'concurrent', 'failing', 'serial']);

function visitScript(node: Node, parents: string[], found: TestDefinition[]): void {
  for (const child of namedChildren(node)) {
    const test = child.type === 'call_expression' ? readTestCall(child) : undefined;
    if (test) {
      const fullName = [...parents, test.name].join(' > ');
      found.push({ name: test.name, fullName, range: rangeOf(child), kind: test.kind });
      visitScript(child, [...parents, test.name], found);
    } else {
      visitScript(child, parents, found);
    }
  }
}

function readTestCall(call: Node): { name: string; kind: TestDefinition['kind'] } | undefined {
  const kind = calleeKind(call.childForFieldName('function'));
  const first = call.childForFieldName('arguments')?.namedChild(0);
  if (!kind || !first) return undefined;
  const name = literalText(first);
  return name === undefined ? undefined : { name, kind };
}

/** `test`, `it.only`, `describe.skip`, `t.test` (node:test subtests), ... */
function calleeKind(callee: Node | null): TestDefinition['kind'] | undefined {
  const kindOf = (name: string): TestDefinition['kind'] | undefined =>
    TESTS.has(name) ? 'test' : SUITES.has(name) ? 'suite' : undefined;
  if (callee?.type === 'identifier') return kindOf(callee.text);
  if (callee?.type !== 'member_expression') return undefined;
  const object = callee.childForFieldName('object');
  const property = callee.childForFieldName('property')?.text ?? '';
  if (object?.type === 'identifier' && MODIFIERS.has(property)) return kindOf(object.text);
  if (property === 'test' || property === 'it' || property === 'describe' || property === 'suite')
    return kindOf(property);
  return undefined;
}

/** The value of a plain string or a template literal without substitutions. */
function literalText(node: Node): string | undefined {
  if (node.type === 'string') {
    const fragments = namedChildren(node);
    return fragments.every((f) => f.type === 'string_fragment' || f.type === 'escape_sequence')
      ? unescape(node.text.slice(1, -1))
      : undefined;
  }
  if (node.type === 'template_string' && !namedChildren(node).some((c) => c.type === 'template_substitution')) {
    return unescape(node.text.slice(1, -1));
  }
  return undefined;
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
