import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackFrame } from './types';

/** Room for a trace in a test result: enough for the model, small enough for a prompt. */
export const MAX_DETAILS_CHARS = 4096;

/** Paths that belong to installed packages, not to the user's code, even when they sit inside the project. */
const VENDORED_SEGMENT = /(^|\/)(node_modules|site-packages|dist-packages|\.venv|venv|\.tox)(\/|$)/;

/**
 * Project-relative POSIX path of `file` when it lies inside `root`, else undefined. Accepts absolute
 * paths, `file://` URLs and paths relative to the root.
 */
export function projectPath(root: string, file: string): string | undefined {
  let absolute = file;
  if (file.startsWith('file://')) {
    try {
      absolute = fileURLToPath(file);
    } catch {
      return undefined;
    }
  }
  absolute = path.resolve(root, absolute);
  const relative = path.relative(path.resolve(root), absolute);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

/** One frame as printed by a framework, mapped onto the project. */
export function toFrame(root: string, file: string, line: number, column?: number, functionName?: string): StackFrame {
  const internal = file.startsWith('node:') || file.startsWith('internal/') || file.startsWith('<');
  const relative = internal ? undefined : projectPath(root, file);
  const frame: StackFrame = {
    file: relative ?? file,
    line,
    inProject: relative !== undefined && !VENDORED_SEGMENT.test(relative),
  };
  if (column !== undefined) frame.column = column;
  if (functionName) frame.functionName = functionName;
  return frame;
}

/** Keeps the head and, above all, the tail of a long trace: the innermost frames and the error come last. */
export function capText(text: string, max = MAX_DETAILS_CHARS): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const head = Math.floor(max / 4);
  const tail = max - head;
  return `${trimmed.slice(0, head)}\n… (${trimmed.length - max} characters cut) …\n${trimmed.slice(-tail)}`;
}

export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');
}

/** Lines that end many failed runs but say nothing about why. */
const NOISE_LINE = /^(npm (ERR!|error|notice|warn)|Node\.js v\d|[=_!*\-~.\s]*$)/;

/** The last output line that explains a failed run, for a one-line message. */
export function lastMeaningfulLine(output: string): string | undefined {
  const lines = stripAnsi(output).split(/\r?\n/);
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!.trim().replace(/^=+\s*|\s*=+$/g, '');
    if (line && !NOISE_LINE.test(line)) return line.length > 300 ? `${line.slice(0, 297)}...` : line;
  }
  return undefined;
}

/** Quotes one argument for /bin/sh when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The words of a command without its leading `VAR=value` assignments: the first one is the program. */
export function programWords(command: string): string[] {
  const words = command.trim().split(/\s+/).filter(Boolean);
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) words.shift();
  return words;
}

export interface PackageJson {
  scripts?: Record<string, string>;
  [key: string]: unknown;
}

/** The project's package.json, or undefined when it has none (or an unreadable one). */
export async function readPackageJson(root: string): Promise<PackageJson | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as PackageJson) : undefined;
  } catch {
    return undefined;
  }
}

const SCRIPT_ALIASES: Record<string, string> = { t: 'test', tst: 'test' };

/**
 * The package.json script that `npm test` / `npm run x` / `yarn x` / `pnpm x` would run, so that a
 * package-manager command can be recognised by what it really starts.
 */
export async function packageScriptFor(root: string, command: string): Promise<string | undefined> {
  const match = /^(?:npm|pnpm|yarn)\s+(?:(?:run|run-script)\s+)?([\w:.-]+)/.exec(programWords(command).join(' '));
  if (!match) return undefined;
  const name = SCRIPT_ALIASES[match[1]!] ?? match[1]!;
  const script = (await readPackageJson(root))?.scripts?.[name];
  return typeof script === 'string' ? script : undefined;
}

/** True when some entry directly in `dir` passes `test`. */
export async function hasAnyFile(dir: string, test: (name: string) => boolean): Promise<boolean> {
  try {
    return (await readdir(dir)).some(test);
  } catch {
    return false;
  }
}

export async function readTextIfExists(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}
