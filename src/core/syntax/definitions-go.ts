/** Go's function and method declarations as definitions: `Mean`, and `Summary.Range` for a method. */
import type { Definition } from './definitions';
import type { Node } from './parser';
import type { CodeRange } from './types';

function rangeOf(node: Node): CodeRange {
  return {
    startLine: node.startPosition.row + 1,
    endLine: node.endPosition.row + 1,
    startIndex: node.startIndex,
    endIndex: node.endIndex,
  };
}

/** Top-level declarations only: Go has no named functions inside functions. */
export function goDefinitions(root: Node): Definition[] {
  const out: Definition[] = [];
  for (const node of root.namedChildren) {
    if (node?.type !== 'function_declaration' && node?.type !== 'method_declaration') continue;
    const simpleName = node.childForFieldName('name')?.text;
    if (!simpleName) continue;
    const receiver = node.type === 'method_declaration' ? receiverType(node) : undefined;
    out.push({
      name: receiver ? `${receiver}.${simpleName}` : simpleName,
      simpleName,
      kind: receiver === undefined ? 'function' : 'method',
      outer: rangeOf(node),
      inner: rangeOf(node),
      methodLike: receiver !== undefined,
    });
  }
  return out;
}

/** `(s *Summary[T])` → `Summary`. */
function receiverType(method: Node): string {
  const type = method.childForFieldName('receiver')?.namedChild(0)?.childForFieldName('type');
  let node = type;
  while (node && (node.type === 'pointer_type' || node.type === 'generic_type' || node.type === 'parenthesized_type')) {
    node = node.type === 'generic_type' ? node.childForFieldName('type') : node.namedChild(0);
  }
  return node?.text ?? '';
}
