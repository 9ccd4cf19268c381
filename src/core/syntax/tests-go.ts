/**
 * Tests in a Go `_test.go` file: top-level `func TestX(t *testing.T)` (and benchmarks, fuzz tests,
 * examples), and the subtests they start with `t.Run("literal name", ...)`, named as go test names
 * them (`TestX/literal_name`). Table-driven subtests have computed names and are not listed.
 */
import { rangeOf } from './definitions';
import type { Node } from './parser';
import type { TestDefinition } from './tests';

const TEST_FUNCTION = /^(Test|Benchmark|Fuzz|Example)([A-Z_0-9]|$)/;

export function goTestDefinitions(root: Node): TestDefinition[] {
  const found: TestDefinition[] = [];
  for (const node of root.namedChildren) {
    const name = node?.type === 'function_declaration' ? node.childForFieldName('name')?.text : undefined;
    if (!node || !name || !TEST_FUNCTION.test(name)) continue;
    found.push({ name, fullName: name, range: rangeOf(node), kind: 'test' });
    const body = node.childForFieldName('body');
    if (body) visitSubtests(body, name, found);
  }
  return found;
}

function visitSubtests(node: Node, parent: string, found: TestDefinition[]): void {
  for (const child of node.namedChildren) {
    if (!child) continue;
    const name = child.type === 'call_expression' ? subtestName(child) : undefined;
    if (name === undefined) {
      visitSubtests(child, parent, found);
      continue;
    }
    const fullName = `${parent}/${name}`;
    found.push({ name, fullName, range: rangeOf(child), kind: 'test' });
    visitSubtests(child, fullName, found);
  }
}

/** `t.Run("adds two", ...)` → `adds_two`, as the testing package rewrites spaces. */
function subtestName(call: Node): string | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'selector_expression' || callee.childForFieldName('field')?.text !== 'Run') return undefined;
  const first = call.childForFieldName('arguments')?.namedChild(0);
  if (first?.type !== 'interpreted_string_literal' && first?.type !== 'raw_string_literal') return undefined;
  if (first.namedChildren.some((c) => c?.type === 'escape_sequence')) return undefined;
  return first.text.slice(1, -1).replace(/\s/g, '_');
}
