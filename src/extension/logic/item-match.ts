import path from 'node:path';
import type { TestDefinition } from '../../core';
import { definitionAt } from './test-ids';

/** What a test item of another extension's controller says about its test. */
export interface ForeignItem {
  label: string;
  /** 0-based first line of the item's range, when it has one. */
  line?: number;
  /** Labels of the items above it, outermost first (folders, files, suites). */
  parentLabels: readonly string[];
  /** Whether the item above it stands for the same file (then this one is inside the file). */
  parentIsSameFile: boolean;
}

export type ItemMatch =
  | { kind: 'test'; definition: TestDefinition; /** A parametrized case's `[...]`, as pytest ids end. */ case?: string }
  | { kind: 'file' }
  | { kind: 'none' };

/**
 * The test an item of another controller stands for, among the definitions tree-sitter finds in its
 * file: the one at the item's line, else the one its label names (its suites deciding between
 * namesakes); a file's own item stands for the file.
 */
export function matchItem(definitions: readonly TestDefinition[], item: ForeignItem, file: string): ItemMatch {
  if (!item.parentIsSameFile && namesFile(item.label, file)) return { kind: 'file' };
  const label = item.label.trim();
  const { name, case: caseSuffix } = splitCase(label);
  const atLine = item.line === undefined ? undefined : definitionAt(definitions, item.line + 1);
  const whole = byLabel(definitions, label, item.parentLabels);
  const labeled = whole ?? byLabel(definitions, name, item.parentLabels);
  // The range first; but a range left behind by edits the other extension has not seen yet loses
  // to a definition of the item's very name.
  const definition = atLine && (!labeled || names(atLine, label) || names(atLine, name)) ? atLine : (labeled ?? atLine);
  if (definition) {
    const isCase = !whole && caseSuffix !== undefined && definition.name === name;
    return { kind: 'test', definition, case: isCase ? caseSuffix : undefined };
  }
  if (!item.parentIsSameFile && !item.line) return { kind: 'file' };
  return { kind: 'none' };
}

/** `test_add[1-2]` → `test_add` and `[1-2]` (a pytest parametrized case); `TestX/sub` → `TestX` (a Go subtest). */
export function splitCase(label: string): { name: string; case?: string } {
  const trimmed = label.trim();
  const bracket = trimmed.indexOf('[');
  if (bracket > 0 && trimmed.endsWith(']')) return { name: trimmed.slice(0, bracket), case: trimmed.slice(bracket) };
  const slash = trimmed.indexOf('/');
  if (slash > 0 && /^Test\w*$/.test(trimmed.slice(0, slash))) return { name: trimmed.slice(0, slash) };
  return { name: trimmed };
}

/** Whether a label is the file's name: `test_core.py`, `test_core`, `tests/test_core.py`. */
export function namesFile(label: string, file: string): boolean {
  const text = label.trim().replace(/\\/g, '/');
  const base = path.posix.basename(file);
  const stem = base.replace(/\.[^.]+$/, '');
  return text === file || text === base || text === stem || text.endsWith(`/${file}`) || text.endsWith(`/${base}`);
}

function byLabel(
  definitions: readonly TestDefinition[],
  name: string,
  parentLabels: readonly string[],
): TestDefinition | undefined {
  const named = definitions.filter((d) => names(d, name));
  if (named.length <= 1) return named[0];
  // Namesakes in different suites: the one whose suites are the item's parents.
  const parents = new Set(parentLabels.map((l) => l.trim()));
  const score = (d: TestDefinition): number => suitesOf(d).filter((s) => parents.has(s)).length;
  return [...named].sort((a, b) => score(b) - score(a))[0];
}

function names(definition: TestDefinition, name: string): boolean {
  return (
    definition.name === name ||
    definition.fullName === name ||
    !!definition.fullNamePattern?.test(withParents(definition, name))
  );
}

/** The definition's full name with its own name replaced by `name`: what a computed name's pattern matches. */
function withParents(definition: TestDefinition, name: string): string {
  const suites = suitesOf(definition);
  return suites.length ? `${suites.join(separatorOf(definition))}${separatorOf(definition)}${name}` : name;
}

function suitesOf(definition: TestDefinition): string[] {
  return definition.fullName.split(separatorOf(definition)).slice(0, -1);
}

function separatorOf(definition: TestDefinition): string {
  return definition.fullName.includes('::') ? '::' : ' > ';
}
