import type { TestDefinition } from '../../core';
import { folderTestId } from './project-paths';

/** A test or suite found in a file, with the engine's id and what it contains. */
export interface TestNode {
  definition: TestDefinition;
  testId: string;
  children: TestNode[];
}

/**
 * The file's definitions as a tree: each one goes under the innermost suite spanning it. A name
 * defined twice is kept once, as the framework reports both under one id too.
 */
export function nestDefinitions(
  definitions: readonly TestDefinition[],
  framework: string,
  project: { root: string; place: string },
  file: string,
): TestNode[] {
  const top: TestNode[] = [];
  const suites: TestNode[] = [];
  const ids = new Set<string>();
  for (const definition of definitions) {
    const testId = folderTestId(framework, project, file, definition.fullName);
    if (ids.has(testId)) continue;
    ids.add(testId);
    const node: TestNode = { definition, testId, children: [] };
    const parent = suites.filter((suite) => spans(suite.definition, definition)).pop();
    (parent ? parent.children : top).push(node);
    if (definition.kind === 'suite') suites.push(node);
  }
  return top;
}

function spans(outer: TestDefinition, inner: TestDefinition): boolean {
  return outer.range.startIndex <= inner.range.startIndex && inner.range.endIndex <= outer.range.endIndex;
}

/** A 0-based line and character, as editors count them. */
export interface LineCharacter {
  line: number;
  character: number;
}

/** Turns character offsets of one text into lines and characters. */
export class LineIndex {
  private readonly starts = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): LineCharacter {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low, character: offset - this.starts[low]! };
  }
}
