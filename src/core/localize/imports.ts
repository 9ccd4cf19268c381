/**
 * Where a test file's imports lead in the project: `import pkg as p`, `from pkg.mod import f`,
 * `from . import m`, `import { f } from './x.js'`, `require('./x')`, and one level further through a
 * package's `__init__.py` or a script module's `export … from` (how libraries re-export their API).
 */
import path from 'node:path';
import { languageForFile } from '../syntax';
import type { ImportRecord } from '../syntax/imports';
import type { Sources } from './sources';

export interface ImportedCode {
  /** Project source files the test file imports, in the order found. */
  files: string[];
  /** Name bound in the test file → the name its module gives it (`from m import f as g`: `g` → `f`). */
  renamed: Map<string, string>;
}

const SCRIPT_EXTENSIONS = ['.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx'];
/** TypeScript sources are imported under the name of the JavaScript they compile to. */
const COMPILED_FROM: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
  '.jsx': ['.tsx'],
};

export async function importedCode(testFile: string, sources: Sources): Promise<ImportedCode> {
  const renamed = new Map<string, string>();
  const direct: string[] = [];
  for (const binding of await sources.bindings(testFile)) {
    for (const record of binding.imports) {
      direct.push(...resolveImport(record, testFile, sources));
      for (const name of record.names)
        if (name.bound !== name.imported && record.form === 'names' && name.imported !== 'default')
          renamed.set(name.bound, name.imported);
    }
  }
  const files = new Set(direct);
  for (const file of new Set(direct)) {
    for (const binding of await sources.bindings(file))
      for (const record of binding.imports)
        if (passesOn(file, record)) for (const next of resolveImport(record, file, sources)) files.add(next);
  }
  return { files: [...files], renamed };
}

/** A package entry point passes its imports on; elsewhere only `export … from` does. */
function passesOn(file: string, record: ImportRecord): boolean {
  const base = path.posix.basename(file);
  return record.reexport || base === '__init__.py' || /^index\.[cm]?[jt]sx?$/.test(base);
}

/** Project source files an import statement loads. */
export function resolveImport(record: ImportRecord, fromFile: string, sources: Sources): string[] {
  const lang = languageForFile(fromFile);
  if (lang !== 'python') {
    const found = resolveScript(record.source, fromFile, sources);
    return found ? [found] : [];
  }
  const modules = [record.source];
  // `from pkg import mod` may name a submodule rather than something defined in pkg/__init__.py.
  if (record.form === 'names')
    for (const name of record.names)
      modules.push(record.source.endsWith('.') ? record.source + name.imported : `${record.source}.${name.imported}`);
  return modules.map((m) => resolvePython(m, fromFile, sources)).filter((f): f is string => f !== undefined);
}

function resolvePython(spec: string, fromFile: string, sources: Sources): string | undefined {
  const level = /^\.*/.exec(spec)![0].length;
  const parts = spec.slice(level).split('.').filter(Boolean);
  if (level > 0) {
    let dir = path.posix.dirname(fromFile);
    for (let i = 1; i < level; i++) dir = path.posix.dirname(dir);
    const base = path.posix.join(dir, ...parts);
    const candidates = parts.length > 0 ? [`${base}.py`, `${base}/__init__.py`] : [`${base}/__init__.py`];
    return candidates.map(clean).find((c) => sources.sourceSet.has(c));
  }
  if (parts.length === 0) return undefined;
  const base = parts.join('/');
  for (const candidate of [`${base}.py`, `${base}/__init__.py`]) {
    // Absolute imports resolve against a source root we do not know (`.`, `src/`, `lib/`): the shortest match wins.
    const matches = sources.sourceFiles.filter((f) => f === candidate || f.endsWith(`/${candidate}`));
    if (matches.length > 0) return matches.reduce((a, b) => (b.length < a.length ? b : a));
  }
  return undefined;
}

function resolveScript(spec: string, fromFile: string, sources: Sources): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../') && spec !== '.' && spec !== '..') return undefined;
  const base = clean(path.posix.join(path.posix.dirname(fromFile), spec));
  const ext = path.posix.extname(base);
  const candidates = [
    base,
    ...(COMPILED_FROM[ext] ?? []).map((to) => base.slice(0, -ext.length) + to),
    ...SCRIPT_EXTENSIONS.map((e) => base + e),
    ...SCRIPT_EXTENSIONS.map((e) => `${base}/index${e}`),
  ];
  return candidates.find((c) => sources.sourceSet.has(c));
}

function clean(p: string): string {
  return path.posix.normalize(p).replace(/^\.\//, '');
}
