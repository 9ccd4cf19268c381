/**
 * Module-level statements that bind names (imports and plain constants), and the names a stretch of
 * code uses: what a function needs from the top of its file, and where a test's imports lead.
 */
import { namedChildren } from './definitions';
import { withTree, type Node } from './parser';
import type { CodeRange, LanguageId } from './types';

/** One name an import brings in: `imported` as the source module calls it, bound locally as `bound`. */
export interface ImportedName {
  imported: string;
  bound: string;
}

export interface ImportRecord {
  /** As written: `pkg.mod`, `.mod`, `..` (Python), `./x.js`, `node:fs` (JavaScript). */
  source: string;
  /** `module`: the module itself is bound (`import a.b as c`, `import * as ns`, `const m = require(...)`). */
  form: 'module' | 'names';
  names: ImportedName[];
  /** `from m import *`, `export * from './m'`. */
  star: boolean;
  /** `export … from` (JavaScript): the module passes the names on. */
  reexport: boolean;
}

export interface ModuleBinding {
  kind: 'import' | 'constant';
  /** The statement's whole lines. */
  range: CodeRange;
  /** Names the statement binds in the module. */
  bound: string[];
  /** What an import statement imports; empty for constants. */
  imports: ImportRecord[];
}

/** Constants longer than this are left out: a function's context should stay cheap. */
const MAX_CONSTANT_LINES = 3;

/** Imports and short constants at module level (Python: also inside top-level `if`/`try`), in source order. */
export async function listModuleBindings(text: string, lang: LanguageId): Promise<ModuleBinding[]> {
  return withTree(text, lang, (root) => {
    const out: ModuleBinding[] = [];
    if (lang === 'python') visitPythonModule(root, text, out);
    else for (const child of namedChildren(root)) scriptBinding(child, text, out);
    return out.filter((b) => b.kind === 'import' || b.range.endLine - b.range.startLine < MAX_CONSTANT_LINES);
  });
}

const PY_IDENTIFIER_TYPES = ['identifier'];
const SCRIPT_IDENTIFIER_TYPES = ['identifier', 'type_identifier', 'shorthand_property_identifier'];

/**
 * Identifiers used between `startIndex` and `endIndex` of `text`. With `properties`, attribute and
 * property names too (`m.f` gives `m` and `f`), as a test names library functions through a module.
 */
export async function identifiersIn(
  text: string,
  lang: LanguageId,
  range: { startIndex: number; endIndex: number },
  options: { properties?: boolean } = {},
): Promise<Set<string>> {
  const types = lang === 'python' ? PY_IDENTIFIER_TYPES : SCRIPT_IDENTIFIER_TYPES;
  const wanted = options.properties && lang !== 'python' ? [...types, 'property_identifier'] : types;
  return withTree(text, lang, (root) => {
    const names = new Set<string>();
    const visit = (node: Node): void => {
      if (node.endIndex <= range.startIndex || node.startIndex >= range.endIndex) return;
      if (!options.properties && isAttributeName(node)) return;
      if (wanted.includes(node.type)) names.add(node.text);
      for (const child of namedChildren(node)) visit(child);
    };
    visit(root);
    return names;
  });
}

/** `x.name` in Python: `name` is no use of a variable called `name`. */
function isAttributeName(node: Node): boolean {
  if (node.type !== 'identifier' || node.parent?.type !== 'attribute') return false;
  return node.parent.childForFieldName('attribute')?.startIndex === node.startIndex;
}

/** The whole lines from `first` to `last`, as an exact slice of `text` (without the final line break). */
export function wholeLines(text: string, first: Node, last: Node = first): CodeRange {
  const startIndex = text.lastIndexOf('\n', first.startIndex - 1) + 1;
  let endIndex = text.indexOf('\n', Math.max(last.endIndex - 1, startIndex));
  if (endIndex < 0) endIndex = text.length;
  if (text[endIndex - 1] === '\r') endIndex--;
  return { startLine: first.startPosition.row + 1, endLine: last.endPosition.row + 1, startIndex, endIndex };
}

const PY_NESTED_STATEMENTS = new Set([
  'if_statement',
  'try_statement',
  'block',
  'else_clause',
  'elif_clause',
  'except_clause',
  'finally_clause',
]);

function visitPythonModule(node: Node, text: string, out: ModuleBinding[]): void {
  for (const child of namedChildren(node)) {
    if (child.type === 'import_statement' || child.type === 'import_from_statement') {
      const imports = pythonImports(child);
      const bound = imports.flatMap((i) => i.names.map((n) => n.bound));
      out.push({ kind: 'import', range: wholeLines(text, child), bound, imports });
    } else if (child.type === 'expression_statement') {
      const bound = pythonAssigned(child);
      if (bound.length > 0) out.push({ kind: 'constant', range: wholeLines(text, child), bound, imports: [] });
    } else if (PY_NESTED_STATEMENTS.has(child.type)) {
      visitPythonModule(child, text, out);
    }
  }
}

function pythonImports(statement: Node): ImportRecord[] {
  const names = statement.childrenForFieldName('name').filter((n): n is Node => n !== null);
  const split = (n: Node): { name: string; alias?: string } =>
    n.type === 'aliased_import'
      ? { name: n.childForFieldName('name')?.text ?? '', alias: n.childForFieldName('alias')?.text }
      : { name: n.text };
  if (statement.type === 'import_statement') {
    return names.map((n) => {
      const { name, alias } = split(n);
      // `import a.b` binds `a`; the test then reaches `a.b.f`.
      const bound = alias ?? name.split('.')[0]!;
      return { source: name, form: 'module', names: [{ imported: name, bound }], star: false, reexport: false };
    });
  }
  const source = statement.childForFieldName('module_name')?.text.replace(/\s+/g, '') ?? '';
  const star = namedChildren(statement).some((c) => c.type === 'wildcard_import');
  const imported = names.map(split).map(({ name, alias }) => ({ imported: name, bound: alias ?? name }));
  return [{ source, form: 'names', names: imported, star, reexport: false }];
}

/** Names a plain module-level assignment binds: `X = …`, `A, B = …`, `X: int = …`. */
function pythonAssigned(statement: Node): string[] {
  const assignment = statement.namedChild(0);
  if (assignment?.type !== 'assignment') return [];
  const left = assignment.childForFieldName('left');
  if (left?.type === 'identifier') return [left.text];
  if (left?.type !== 'pattern_list' && left?.type !== 'tuple_pattern') return [];
  return namedChildren(left)
    .filter((c) => c.type === 'identifier')
    .map((c) => c.text);
}

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

function scriptBinding(node: Node, text: string, out: ModuleBinding[]): void {
  if (node.type === 'import_statement' || (node.type === 'export_statement' && node.childForFieldName('source'))) {
    const record = scriptImport(node);
    if (record)
      out.push({
        kind: 'import',
        range: wholeLines(text, node),
        bound: record.names.map((n) => n.bound),
        imports: [record],
      });
    return;
  }
  const declaration = node.type === 'export_statement' ? node.childForFieldName('declaration') : node;
  if (declaration?.type !== 'lexical_declaration' && declaration?.type !== 'variable_declaration') return;
  const declarators = namedChildren(declaration).filter((c) => c.type === 'variable_declarator');
  const values = declarators.filter((d) => !FUNCTION_VALUES.has(d.childForFieldName('value')?.type ?? ''));
  if (values.length === 0) return;
  const imports = values.map(requireOf).filter((r): r is ImportRecord => r !== undefined);
  const bound = values.flatMap((d) => patternNames(d.childForFieldName('name')));
  out.push({ kind: imports.length > 0 ? 'import' : 'constant', range: wholeLines(text, node), bound, imports });
}

function stringValue(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'string') return undefined;
  return node.text.slice(1, -1);
}

function scriptImport(statement: Node): ImportRecord | undefined {
  const source = stringValue(statement.childForFieldName('source'));
  if (source === undefined) return undefined;
  const reexport = statement.type === 'export_statement';
  const record: ImportRecord = { source, form: 'names', names: [], star: false, reexport };
  const clause = namedChildren(statement).find((c) => c.type === 'import_clause' || c.type === 'export_clause');
  if (!clause) record.star = reexport;
  for (const part of clause ? namedChildren(clause) : []) {
    if (part.type === 'identifier') record.names.push({ imported: 'default', bound: part.text });
    else if (part.type === 'namespace_import') {
      record.form = 'module';
      record.names.push({ imported: '*', bound: part.namedChild(0)?.text ?? '' });
    } else if (part.type === 'named_imports')
      for (const spec of namedChildren(part)) record.names.push(specifier(spec));
    else if (part.type === 'export_specifier') record.names.push(specifier(part));
  }
  return record;
}

function specifier(spec: Node): ImportedName {
  const imported = spec.childForFieldName('name')?.text ?? spec.text;
  return { imported, bound: spec.childForFieldName('alias')?.text ?? imported };
}

/** `const m = require('./m')` or `const { a, b: c } = require('./m')`. */
function requireOf(declarator: Node): ImportRecord | undefined {
  const value = declarator.childForFieldName('value');
  const callee = value?.type === 'call_expression' ? value.childForFieldName('function') : undefined;
  if (callee?.type !== 'identifier' || callee.text !== 'require') return undefined;
  const source = stringValue(value!.childForFieldName('arguments')?.namedChild(0));
  const name = declarator.childForFieldName('name');
  if (source === undefined || !name) return undefined;
  const record: ImportRecord = { source, form: 'module', names: [], star: false, reexport: false };
  if (name.type === 'identifier') record.names.push({ imported: '*', bound: name.text });
  else if (name.type === 'object_pattern') {
    record.form = 'names';
    for (const part of namedChildren(name)) {
      if (part.type === 'shorthand_property_identifier_pattern')
        record.names.push({ imported: part.text, bound: part.text });
      else if (part.type === 'pair_pattern') {
        const key = part.childForFieldName('key')?.text;
        const bound = part.childForFieldName('value');
        if (key && bound?.type === 'identifier') record.names.push({ imported: key, bound: bound.text });
      }
    }
  }
  return record;
}

/** Identifiers a declaration's name (or destructuring pattern) binds. */
function patternNames(pattern: Node | null): string[] {
  if (!pattern) return [];
  if (pattern.type === 'identifier' || pattern.type === 'shorthand_property_identifier_pattern') return [pattern.text];
  if (pattern.type === 'pair_pattern') return patternNames(pattern.childForFieldName('value'));
  if (pattern.type === 'assignment_pattern') return patternNames(pattern.childForFieldName('left'));
  return namedChildren(pattern).flatMap(patternNames);
}
