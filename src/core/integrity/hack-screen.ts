/**
 * The reward-hacking screen: after a candidate passes, look for code that only recognises the failing
 * test's own values — a comparison with a literal from the test, or a literal the test expects
 * returned from inside a branch, on a line the candidate added. It flags, never rejects: the tests
 * passed, but the person deciding should know.
 */
import { findTestDefinitions, languageForFile, withTree, type LanguageId } from '../syntax';
import type { Node } from '../syntax/parser';
import { testDefinitionFor, type ReportedTest } from '../localize/test-code';
import { addedLines } from './added-lines';

export interface SpecialCasingInput {
  changes: ReadonlyArray<{ path: string; before: string; after: string }>;
  /** The tests the candidate had to make pass. */
  failing: ReadonlyArray<{ id: string; name: string; file?: string; line?: number }>;
  readTestFile: (file: string) => Promise<string | undefined>;
  isTestFile: (file: string) => boolean;
}

/** One warning line per special-cased value, e.g. "this fix may only make the test pass (it compares with 3, a value from test_x)". */
export async function findSpecialCasing(input: SpecialCasingInput): Promise<string[]> {
  const fromTests = new Map<string, string>();
  for (const test of input.failing) {
    const lang = test.file ? languageForFile(test.file) : undefined;
    const source = test.file ? await input.readTestFile(test.file) : undefined;
    if (!lang || !source) continue;
    const body = await testSource(source, test.file!, lang, test);
    if (!body) continue;
    for (const value of await literalsIn(body, lang)) if (!fromTests.has(value)) fromTests.set(value, test.name);
  }
  return specialCasedValues(input.changes, fromTests, input.isTestFile);
}

/** Warnings for the changes, given the test values (`literal key → test name`). */
export async function specialCasedValues(
  changes: SpecialCasingInput['changes'],
  testValues: ReadonlyMap<string, string>,
  isTestFile: (file: string) => boolean = () => false,
): Promise<string[]> {
  const warnings = new Set<string>();
  if (testValues.size === 0) return [];
  for (const change of changes) {
    const lang = languageForFile(change.path);
    if (!lang || isTestFile(change.path)) continue;
    const added = new Set(addedLines(change.before, change.after).map((l) => l.line));
    if (added.size === 0) continue;
    const known = await literalsIn(change.before, lang);
    for (const use of await branchingLiterals(change.after, lang, added)) {
      const test = testValues.get(use.value);
      if (!test || known.has(use.value)) continue;
      const shown = use.value.slice(2);
      warnings.add(
        use.how === 'compares'
          ? `this fix may only make the test pass (it compares with ${shown}, a value from ${test})`
          : `this fix may only make the test pass (it returns ${shown} from a branch, a value from ${test})`,
      );
    }
  }
  return [...warnings];
}

/** The failing test's own definition, or undefined when it cannot be found. */
async function testSource(
  source: string,
  file: string,
  lang: LanguageId,
  test: ReportedTest,
): Promise<string | undefined> {
  const def = testDefinitionFor(test, await findTestDefinitions(source, file, lang));
  return def ? source.slice(def.range.startIndex, def.range.endIndex) : undefined;
}

/** Keys (`n:3`, `s:abc`) of the meaningful literals in `text`. */
export async function literalsIn(text: string, lang: LanguageId): Promise<Set<string>> {
  return withTree(text, lang, (root) => {
    const found = new Set<string>();
    const visit = (node: Node): void => {
      const value = literalKey(node);
      if (value && !isTrivial(value)) found.add(value);
      for (const child of node.namedChildren) if (child) visit(child);
    };
    visit(root);
    return found;
  });
}

interface LiteralUse {
  value: string;
  how: 'compares' | 'returns';
}

const COMPARISONS = new Set(['==', '===', '!=', '!==', 'in', 'not in', 'is']);

/** Literals compared with, or returned from inside a branch, on the added lines of `text`. */
async function branchingLiterals(text: string, lang: LanguageId, added: ReadonlySet<number>): Promise<LiteralUse[]> {
  return withTree(text, lang, (root) => {
    const uses: LiteralUse[] = [];
    const visit = (node: Node): void => {
      if (added.has(node.startPosition.row + 1)) {
        if (isComparison(node)) for (const value of operandLiterals(node)) uses.push({ value, how: 'compares' });
        if (node.type === 'return_statement' && insideBranch(node)) {
          const value = node.namedChildren[0] ? literalKey(node.namedChildren[0]) : undefined;
          if (value && !isTrivial(value)) uses.push({ value, how: 'returns' });
        }
      }
      for (const child of node.namedChildren) if (child) visit(child);
    };
    visit(root);
    return uses;
  });
}

function isComparison(node: Node): boolean {
  if (node.type === 'case_clause' || node.type === 'switch_case') return true;
  if (node.type === 'comparison_operator') return node.children.some((c) => c && COMPARISONS.has(c.type));
  if (node.type === 'binary_expression') return COMPARISONS.has(node.childForFieldName('operator')?.type ?? '');
  return false;
}

/** Literal operands of a comparison, including the members of a literal tuple, list or set. */
function operandLiterals(node: Node): string[] {
  const values: string[] = [];
  for (const child of node.namedChildren) {
    if (!child) continue;
    const inner = child.type === 'case_pattern' ? child.namedChildren : [child];
    for (const operand of inner) {
      if (!operand) continue;
      const members = /^(tuple|list|set|array)$/.test(operand.type) ? operand.namedChildren : [operand];
      for (const m of members) {
        const value = m ? literalKey(m) : undefined;
        if (value && !isTrivial(value)) values.push(value);
      }
    }
  }
  return values;
}

function insideBranch(node: Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if (
      /^(if_statement|elif_clause|else_clause|case_clause|switch_case|conditional_expression|ternary_expression)$/.test(
        up.type,
      )
    )
      return true;
    if (/function|method|lambda|arrow_function/.test(up.type)) return false;
  }
  return false;
}

/** `n:<number>` or `s:<string>` for a literal node, else undefined. */
function literalKey(node: Node): string | undefined {
  if (node.type === 'integer' || node.type === 'float' || node.type === 'number') return numberKey(node.text);
  if ((node.type === 'unary_operator' || node.type === 'unary_expression') && node.text.startsWith('-')) {
    const operand = node.namedChildren[0];
    return operand && /^(integer|float|number)$/.test(operand.type) ? numberKey(`-${operand.text}`) : undefined;
  }
  if (node.type === 'string' || (node.type === 'template_string' && !node.text.includes('${'))) {
    if (node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
    return `s:${node.text.replace(/^[rRbBuUfF]*("""|'''|"|'|`)/, '').replace(/("""|'''|"|'|`)$/, '')}`;
  }
  return undefined;
}

function numberKey(text: string): string | undefined {
  const value = Number(text.replace(/_/g, '').replace(/[jJnlL]$/, ''));
  return Number.isFinite(value) ? `n:${value}` : undefined;
}

/** Values too common to tell anything: small numbers and strings of at most one character. */
function isTrivial(key: string): boolean {
  if (key.startsWith('n:')) return Math.abs(Number(key.slice(2))) <= 2;
  return key.length - 2 <= 1;
}
