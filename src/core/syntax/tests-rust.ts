/**
 * Rust tests in the source: `#[test]` functions (also `#[tokio::test]` and the like), named by their
 * module path as libtest names them (`tests::adds`), and the `#[cfg(test)]` modules that hold unit
 * tests inside source files.
 */
import { namedChildren, rangeOf } from './definitions';
import { languageForFile, withTree, type Node } from './parser';
import type { TestDefinition } from './tests';

/** `test`, `tokio::test`, `rstest`, `test_case(…)`: attributes that make a function a test. */
const TEST_ATTRIBUTE = /^(?:(?:\w+::)*test|rstest|test_case)\b/;
const CFG_TEST = /^cfg\s*\(\s*test\s*\)$/;

export function visitRustTests(node: Node, modules: string[], found: TestDefinition[]): void {
  for (const child of namedChildren(node)) {
    const name = child.childForFieldName('name')?.text;
    if (!name) continue;
    const attributes = attributesOf(child);
    const range = rangeOf(attributes[0] ?? child, child);
    const fullName = [...modules, name].join('::');
    if (child.type === 'function_item' && attributes.some((a) => TEST_ATTRIBUTE.test(attributeText(a)))) {
      found.push({ name, fullName, range, kind: 'test' });
    } else if (child.type === 'mod_item' && child.childForFieldName('body')) {
      const inner: TestDefinition[] = [];
      visitRustTests(child.childForFieldName('body')!, [...modules, name], inner);
      if (inner.length) found.push({ name, fullName, range, kind: 'suite' }, ...inner);
    }
  }
}

/** The `#[…]` items right before `item`, first one first. */
function attributesOf(item: Node): Node[] {
  const attributes: Node[] = [];
  for (let prev = item.previousNamedSibling; prev?.type === 'attribute_item'; prev = prev.previousNamedSibling) {
    attributes.unshift(prev);
  }
  return attributes;
}

function attributeText(item: Node): string {
  return item.namedChild(0)?.text.trim() ?? '';
}

/**
 * The test code inside a Rust source file: each `#[cfg(test)]` module and each test function outside
 * one, as text, in order. Two versions of a file whose lists differ differ in their tests.
 */
async function inlineTestCode(text: string): Promise<string[]> {
  return withTree(text, 'rust', (root) => {
    const code: string[] = [];
    const visit = (node: Node): void => {
      for (const child of namedChildren(node)) {
        const attributes = attributesOf(child).map(attributeText);
        const isTest =
          (child.type === 'mod_item' && attributes.some((a) => CFG_TEST.test(a))) ||
          (child.type === 'function_item' && attributes.some((a) => TEST_ATTRIBUTE.test(a)));
        if (isTest)
          code.push(
            attributesOf(child)
              .map((a) => a.text)
              .join('\n') +
              '\n' +
              child.text,
          );
        else if (child.type === 'mod_item') visit(child.childForFieldName('body') ?? child);
      }
    };
    visit(root);
    return code;
  });
}

/**
 * The Rust source files among `changes` whose unit tests (inside `#[cfg(test)]` modules or `#[test]`
 * functions) a candidate changed: edits to them are test edits, whatever file holds them.
 */
export async function filesWithEditedTests(
  changes: ReadonlyArray<{ path: string; before: string; after: string; created?: boolean }>,
): Promise<Set<string>> {
  const edited = new Set<string>();
  for (const change of changes) {
    if (change.created || languageForFile(change.path) !== 'rust') continue;
    const [before, after] = await Promise.all([inlineTestCode(change.before), inlineTestCode(change.after)]);
    if (before.length !== after.length || before.some((code, i) => code !== after[i])) edited.add(change.path);
  }
  return edited;
}
