/**
 * Rough, language-agnostic looks at code text (Python, JavaScript, TypeScript, Go, Rust). Good enough to sort the
 * blocks of a reply and to word error messages; never used to edit code (tree-sitter does that).
 */

/** Rust: `fn`, `pub fn`, `pub(crate) async unsafe fn`, `pub const fn`. */
const RUST_FN = String.raw`(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern\s+"[^"]*")\s+)*fn`;
const NOT_A_METHOD = String.raw`(?!(?:if|for|while|switch|catch|with|return|function)\b)`;

const DEFINITION = new RegExp(
  [
    String.raw`^\s*@[\w.]+`,
    String.raw`^\s*(?:async\s+)?def\s+\w+\s*\(`,
    String.raw`^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+\w+`,
    String.raw`^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\b`,
    String.raw`^func\s+(?:\([^)]*\)\s*)?\w+\s*[[(]`,
    String.raw`^\s*${RUST_FN}`,
    String.raw`^\s*(?:export\s+)?(?:const|let|var)\s+[\w$]+\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]+)?=>|[\w$]+\s*=>)`,
    String.raw`^\s*(?:(?:public|private|protected|static|async|get|set|override|readonly)\s+)*${NOT_A_METHOD}[A-Za-z_$][\w$]*\s*\([^)]*\)\s*(?::\s*[^{=;]+)?\{\s*$`,
  ].join('|'),
);

const NAME_PATTERNS = [
  /^\s*(?:async\s+)?def\s+(\w+)/,
  /^\s*(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+(\w+)/,
  /^\s*(?:export\s+)?(?:default\s+)?(?:async\s+)?function\s*\*?\s*([\w$]+)/,
  /^func\s+(?:\([^)]*\)\s*)?(\w+)\s*[[(]/,
  new RegExp(String.raw`^\s*${RUST_FN}\s+(\w+)`),
  /^\s*(?:export\s+)?(?:const|let|var)\s+([\w$]+)\s*(?::[^=]+)?=\s*(?:async\s+)?(?:function\b|\(|[\w$]+\s*=>)/,
];

const IMPORT = /^(?:import[\s{*]|from\s+[\w.]+\s+import\s|(?:const|let|var)\s+.+=\s*require\()/;

function lines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

function isComment(line: string): boolean {
  return /^\s*(?:#(?!!)|\/\/|\/\*|\*)/.test(line);
}

/** The first line that is neither blank nor a comment. */
export function firstCodeLine(text: string): string | undefined {
  return lines(text).find((l) => l.trim() !== '' && !isComment(l));
}

export function startsWithDefinition(text: string): boolean {
  const first = firstCodeLine(text);
  return first !== undefined && DEFINITION.test(first);
}

export function containsDefinition(text: string): boolean {
  return lines(text).some((l) => DEFINITION.test(l));
}

/** Names of the functions and classes a block defines, in order, e.g. `['mean']`. */
export function definedNames(text: string): string[] {
  const names: string[] = [];
  for (const line of lines(text)) {
    for (const pattern of NAME_PATTERNS) {
      const m = pattern.exec(line);
      if (m) {
        names.push(m[1]);
        break;
      }
    }
  }
  return names;
}

/** Top-level import statements (trimmed), the mark of a whole module rather than one function. */
export function importLines(text: string): string[] {
  return lines(text)
    .filter((l) => IMPORT.test(l))
    .map((l) => l.trim());
}

/**
 * Whether text is a file path as people write them: no spaces, ending in an extension that starts with a
 * letter (so `3.11` or `e.g.` are not paths).
 */
export function isPathLike(text: string): boolean {
  return /^(?:[A-Za-z]:)?[\w@+\-./\\]*[\w-]\.[A-Za-z][A-Za-z0-9]{0,9}$/.test(text) && !/^https?:/i.test(text);
}
