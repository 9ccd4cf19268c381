import { collectDefinitions, namedChildren, type Definition } from './definitions';
import { rustCalleeName } from './definitions-rust';
import { withTree, type Node } from './parser';
import type { CodeRange, FunctionInfo, LanguageId } from './types';

/** Every named function in `text`, in source order; methods are `Class.method`, nested ones `outer.inner`. */
export async function listFunctions(text: string, file: string, lang: LanguageId): Promise<FunctionInfo[]> {
  const definitions = await withTree(text, lang, (root) => collectDefinitions(root, lang));
  return definitions.map((d) => ({
    name: d.name,
    file,
    range: d.outer,
    text: text.slice(d.outer.startIndex, d.outer.endIndex),
    kind: d.kind,
  }));
}

/** The innermost function whose definition spans the 1-based `line`. */
export async function enclosingFunction(
  text: string,
  file: string,
  lang: LanguageId,
  line: number,
): Promise<FunctionInfo | undefined> {
  const containing = (await listFunctions(text, file, lang)).filter(
    (f) => f.range.startLine <= line && line <= f.range.endLine,
  );
  // Sorted by start, so the last one that contains the line is the innermost.
  return containing[containing.length - 1];
}

/** Names of the functions a snippet calls (`obj.method()` gives `method`), deduplicated, in source order. */
export async function calledNames(text: string, lang: LanguageId): Promise<string[]> {
  const names = await withTree(dedent(text), lang, (root) => {
    const found: Node[] = [];
    const visit = (node: Node): void => {
      const callee = calleeName(node, lang);
      if (callee) found.push(callee);
      for (const child of namedChildren(node)) visit(child);
    };
    visit(root);
    return found.sort((a, b) => a.startIndex - b.startIndex).map((n) => n.text);
  });
  return [...new Set(names)];
}

function calleeName(node: Node, lang: LanguageId): Node | undefined {
  if (lang === 'rust') return rustCalleeName(node);
  if (lang === 'python') {
    if (node.type !== 'call') return undefined;
    const fn = node.childForFieldName('function');
    if (fn?.type === 'identifier') return fn;
    if (fn?.type === 'attribute') return fn.childForFieldName('attribute') ?? undefined;
    return undefined;
  }
  const fn =
    node.type === 'call_expression'
      ? node.childForFieldName('function')
      : node.type === 'new_expression'
        ? node.childForFieldName('constructor')
        : null;
  if (fn?.type === 'identifier') return fn;
  if (fn?.type === 'selector_expression') return fn.childForFieldName('field') ?? undefined;
  if (fn?.type === 'member_expression') {
    const property = fn.childForFieldName('property');
    return property?.type === 'property_identifier' ? property : undefined;
  }
  return undefined;
}

/**
 * Replace functions of `source` by the definitions given in `newCode` ("the complete new version of the
 * function"). Each top-level function in `newCode` replaces the one function of the same name in `source`,
 * re-indented to where the original stood; functions `source` does not have are inserted next to a replaced
 * one. Everything else in `source` stays byte-identical. Undefined when nothing matched, a name is
 * ambiguous in `source`, or `newCode` does not parse.
 */
export async function replaceFunctionDefinition(
  source: string,
  lang: LanguageId,
  newCode: string,
): Promise<string | undefined> {
  const given = await parseGivenDefinitions(dedent(newCode), lang);
  if (!given || given.definitions.length === 0) return undefined;
  const candidates = (await withTree(source, lang, (root) => collectDefinitions(root, lang))).filter(
    (d) => d.kind !== 'nested',
  );
  const eol = source.includes('\r\n') ? '\r\n' : '\n';

  const matches = given.definitions.map((def) => {
    const named = candidates.filter((c) => c.simpleName === def.simpleName);
    // A Go method names its type (`func (s Summary) Range()`), which tells same-named methods apart.
    const exact = def.name !== def.simpleName ? named.filter((c) => c.name === def.name) : [];
    if (exact.length === 1) return exact;
    // `area() {}` means the method even when a function `area` exists too; likewise `def f(self)`.
    const sameForm = named.filter((c) => (c.kind === 'method') === def.methodLike);
    return sameForm.length > 0 ? sameForm : named;
  });
  if (matches.some((m) => m.length > 1) || matches.every((m) => m.length === 0)) return undefined;

  const edits: Edit[] = [];
  given.definitions.forEach((def, i) => {
    const target = matches[i][0];
    if (target) {
      // Decorators given are meant to replace the old ones; `export` and missing decorators stay as they were.
      const whole = def.wrapper === 'decorators';
      const from = whole ? target.outer : target.inner;
      const text = reindent(
        given.text,
        whole ? def.outer : def.inner,
        given.verbatimLines,
        lineIndent(source, from.startIndex),
        eol,
      );
      edits.push({ start: from.startIndex, end: from.endIndex, text });
      return;
    }
    // A helper the reply added: place it beside the nearest replaced function, in the reply's order.
    const after = matches.findIndex((m, j) => j > i && m.length > 0);
    const anchor =
      after >= 0
        ? matches[after][0]
        : matches
            .slice(0, i)
            .reverse()
            .find((m) => m.length > 0)![0];
    const indent = lineIndent(source, anchor.outer.startIndex);
    const text = reindent(given.text, def.outer, given.verbatimLines, indent, eol);
    const gap = lang === 'python' && indent === '' ? eol.repeat(3) : eol.repeat(2);
    if (after >= 0)
      edits.push({ start: anchor.outer.startIndex, end: anchor.outer.startIndex, text: text + gap + indent });
    else edits.push({ start: anchor.outer.endIndex, end: anchor.outer.endIndex, text: gap + indent + text });
  });
  return applyEdits(source, edits);
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function applyEdits(source: string, edits: Edit[]): string | undefined {
  // Insertions before a replacement at the same spot; overlapping replacements mean a name given twice.
  edits.sort((a, b) => a.start - b.start || a.end - a.start - (b.end - b.start));
  let out = '';
  let pos = 0;
  for (const edit of edits) {
    if (edit.start < pos) return undefined;
    out += source.slice(pos, edit.start) + edit.text;
    pos = edit.end;
  }
  return out + source.slice(pos);
}

interface GivenDefinitions {
  text: string;
  definitions: Definition[];
  /** 0-based lines of `text` that start inside a string literal, whose whitespace is content. */
  verbatimLines: Set<number>;
}

const CLASS_WRAPPER = 'class __SelfRepairGiven__ {\n';

async function parseGivenDefinitions(code: string, lang: LanguageId): Promise<GivenDefinitions | undefined> {
  const direct = await withTree(code, lang, (root) =>
    // Go methods stand at top level, beside functions.
    root.hasError ? undefined : readGiven(root, code, lang, (d) => d.kind === 'function' || lang === 'go'),
  );
  if (direct && direct.definitions.length > 0) return direct;
  if (lang === 'python' || lang === 'go' || lang === 'rust') return undefined;
  // A JavaScript method given alone (`area() { ... }`) only parses inside a class body.
  const wrapped = `${CLASS_WRAPPER}${code}\n}\n`;
  const inClass = await withTree(wrapped, lang, (root) =>
    root.hasError ? undefined : readGiven(root, wrapped, lang, (d) => d.kind === 'method'),
  );
  if (!inClass) return undefined;
  const shift = CLASS_WRAPPER.length;
  const unshift = (r: CodeRange): CodeRange => ({
    startLine: r.startLine - 1,
    endLine: r.endLine - 1,
    startIndex: r.startIndex - shift,
    endIndex: r.endIndex - shift,
  });
  return {
    text: code,
    definitions: inClass.definitions.map((d) => ({ ...d, outer: unshift(d.outer), inner: unshift(d.inner) })),
    verbatimLines: new Set([...inClass.verbatimLines].map((l) => l - 1)),
  };
}

function readGiven(root: Node, text: string, lang: LanguageId, keep: (d: Definition) => boolean): GivenDefinitions {
  return {
    text,
    definitions: collectDefinitions(root, lang).filter(keep),
    verbatimLines: stringInteriorLines(root, lang),
  };
}

const STRING_TYPES: Partial<Record<LanguageId, string[]>> = {
  python: ['string'],
  go: ['raw_string_literal'],
  rust: ['string_literal', 'raw_string_literal'],
};

/** Lines that begin inside a multi-line string; Python docstrings excepted, as they follow the code's indent. */
function stringInteriorLines(root: Node, lang: LanguageId): Set<number> {
  const lines = new Set<number>();
  const types = STRING_TYPES[lang] ?? ['string', 'template_string'];
  for (const node of root.descendantsOfType(types)) {
    if (!node || node.startPosition.row === node.endPosition.row) continue;
    if (lang === 'python' && node.parent?.type === 'expression_statement') continue;
    for (let row = node.startPosition.row + 1; row <= node.endPosition.row; row++) lines.add(row);
  }
  return lines;
}

/** The text of `range` with its later lines moved from the indent it had in `text` to `indent`. */
function reindent(text: string, range: CodeRange, verbatimLines: Set<number>, indent: string, eol: string): string {
  const from = lineIndent(text, range.startIndex);
  return text
    .slice(range.startIndex, range.endIndex)
    .split(/\r?\n/)
    .map((line, i) => {
      if (i === 0 || verbatimLines.has(range.startLine - 1 + i)) return line;
      if (line.trim() === '') return '';
      return indent + (line.startsWith(from) ? line.slice(from.length) : line.trimStart());
    })
    .join(eol);
}

/** Leading whitespace of the line holding `index`. */
function lineIndent(text: string, index: number): string {
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** Remove the indentation common to all non-blank lines, so a method copied with its indent parses at top level. */
function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0]);
  if (indents.length === 0) return text;
  let common = indents[0];
  for (const indent of indents) while (!indent.startsWith(common)) common = common.slice(0, -1);
  return common ? lines.map((l) => l.slice(Math.min(common.length, /^[ \t]*/.exec(l)![0].length))).join('\n') : text;
}
