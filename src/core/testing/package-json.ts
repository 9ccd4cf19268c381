import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { programWords } from './shell';

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
