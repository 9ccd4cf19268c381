/** The header lines of the classes around a spot in a file: what a method's code needs to be read. */
import { wholeLines } from './imports';
import { withTree, type Node } from './parser';
import type { CodeRange, LanguageId } from './types';

export interface ClassHeader {
  name: string;
  /** Whole lines from the class's first line (its decorators, `export`) to the colon or brace that opens its body. */
  range: CodeRange;
}

const CLASS_TYPES = new Set(['class_definition', 'class_declaration', 'abstract_class_declaration', 'class']);

/** Headers of the classes whose body holds `index`, outermost first. */
export async function enclosingClassHeaders(text: string, lang: LanguageId, index: number): Promise<ClassHeader[]> {
  return withTree(text, lang, (root) => {
    const headers: ClassHeader[] = [];
    let node: Node | null = root.descendantForIndex(index);
    while (node) {
      const header = CLASS_TYPES.has(node.type) ? headerOf(node, text) : undefined;
      if (header && index >= node.childForFieldName('body')!.startIndex) headers.unshift(header);
      node = node.parent;
    }
    return headers;
  });
}

function headerOf(node: Node, text: string): ClassHeader | undefined {
  const body = node.childForFieldName('body');
  if (!body) return undefined;
  const wrapper = node.parent?.type === 'decorated_definition' || node.parent?.type === 'export_statement';
  const first = wrapper ? node.parent! : node;
  // Python's body starts after the colon (maybe lines later); a script's body starts at its brace.
  const last = node.type === 'class_definition' ? (body.previousSibling ?? body) : (body.child(0) ?? body);
  const name = node.childForFieldName('name')?.text ?? 'anonymous class';
  return { name, range: wholeLines(text, first, last) };
}
