import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import type { LanguageId } from './types';

export type { Node, Tree };

/** Grammar file of each language, as shipped by the tree-sitter-* packages. */
const GRAMMARS: Record<LanguageId, { file: string; pkg: string }> = {
  python: { file: 'tree-sitter-python.wasm', pkg: 'tree-sitter-python' },
  javascript: { file: 'tree-sitter-javascript.wasm', pkg: 'tree-sitter-javascript' },
  typescript: { file: 'tree-sitter-typescript.wasm', pkg: 'tree-sitter-typescript' },
  tsx: { file: 'tree-sitter-tsx.wasm', pkg: 'tree-sitter-typescript' },
  go: { file: 'tree-sitter-go.wasm', pkg: 'tree-sitter-go' },
  rust: { file: 'tree-sitter-rust.wasm', pkg: 'tree-sitter-rust' },
};
const RUNTIME_FILE = 'tree-sitter.wasm';

const EXTENSIONS: Record<string, LanguageId> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.go': 'go',
  '.rs': 'rust',
};

let configuredDirectory: string | undefined;
let runtimeReady: Promise<void> | undefined;
const parsers = new Map<LanguageId, Promise<Parser>>();

export interface GrammarOptions {
  /** Folder holding tree-sitter.wasm and the tree-sitter-<language>.wasm grammars (the bundle's dist/). */
  directory: string;
}

/**
 * Tell the syntax layer where the .wasm files lie. Without it they are looked up next to this module
 * (the bundled case) and then in the npm packages. Takes effect for languages not loaded yet; the
 * tree-sitter runtime itself loads once per process.
 */
export function configureGrammars(options: GrammarOptions): void {
  configuredDirectory = options.directory;
  // Parsers already handed out stay valid (a caller may be mid-parse); they are small, so dropping
  // them from the cache instead of deleting them is fine.
  parsers.clear();
}

export function languageForFile(file: string): LanguageId | undefined {
  return EXTENSIONS[path.extname(file).toLowerCase()];
}

/**
 * Parse `text`. The caller owns the tree and must call `tree.delete()` (it lives in wasm memory);
 * prefer {@link withTree}, which does that.
 */
export async function parse(text: string, lang: LanguageId): Promise<Tree> {
  const parser = await parserFor(lang);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`tree-sitter could not parse the ${lang} text`);
  return tree;
}

/** Parse `text`, hand its root node to `use`, and free the tree afterwards, whatever happens. */
export async function withTree<T>(text: string, lang: LanguageId, use: (root: Node) => T | Promise<T>): Promise<T> {
  const tree = await parse(text, lang);
  try {
    return await use(tree.rootNode);
  } finally {
    tree.delete();
  }
}

function parserFor(lang: LanguageId): Promise<Parser> {
  let pending = parsers.get(lang);
  if (!pending) {
    pending = loadParser(lang);
    parsers.set(lang, pending);
    // A failed load must not stick: the host may fix the directory and try again.
    pending.catch(() => parsers.delete(lang));
  }
  return pending;
}

async function loadParser(lang: LanguageId): Promise<Parser> {
  await initRuntime();
  const grammar = GRAMMARS[lang];
  const file = locate(grammar.file, grammar.pkg);
  const language = await Language.load(file).catch((error: unknown) => {
    throw new Error(
      `could not load tree-sitter grammar ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

function initRuntime(): Promise<void> {
  if (!runtimeReady) {
    runtimeReady = (async () => {
      const runtime = locate(RUNTIME_FILE, 'web-tree-sitter');
      await Parser.init({ locateFile: () => runtime });
    })();
    runtimeReady.catch(() => {
      runtimeReady = undefined;
    });
  }
  return runtimeReady;
}

function locate(file: string, pkg: string): string {
  const candidates = [
    ...(configuredDirectory ? [path.join(configuredDirectory, file)] : []),
    ...(typeof __dirname === 'string' ? [path.join(__dirname, file)] : []),
    ...packageDirs(pkg).map((dir) => path.join(dir, file)),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) {
    const folders = candidates.map((candidate) => path.dirname(candidate)).join(', ') || 'no folder';
    throw new Error(`tree-sitter file ${file} not found (looked in ${folders})`);
  }
  return found;
}

/** Folders the npm package may live in; empty when it is not installed or `require` is unavailable. */
function packageDirs(pkg: string): string[] {
  if (typeof require !== 'function') return [];
  const dirs: string[] = [];
  try {
    dirs.push(path.dirname(require.resolve(`${pkg}/package.json`)));
  } catch {
    // web-tree-sitter's `exports` hides package.json: walk up from its entry point instead.
    try {
      let dir = path.dirname(require.resolve(pkg));
      while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
      dirs.push(dir);
    } catch {
      // Not installed: the other candidates decide.
    }
  }
  return dirs;
}
