/**
 * Which files are the judge. A repair is only worth showing when the tests that judged it are the
 * user's tests, run the user's way: the test files, everything that configures the test runner, its
 * snapshots and fixtures stay as the user wrote them.
 */
import path from 'node:path';

/** Files that configure a test runner, whatever folder they are in. */
const RUNNER_CONFIG_NAMES = new Set([
  'conftest.py',
  'pytest.ini',
  'pyproject.toml',
  'setup.cfg',
  'tox.ini',
  'noxfile.py',
]);

/** Runner configuration by name pattern: jest, vitest, vite, mocha, ava, c8, nyc, babel, tsconfig for tests. */
const RUNNER_CONFIG_PATTERN =
  /^(?:(?:jest|vitest|vite|ava|babel|karma|playwright|cypress)\.config\.[\w.]+|\.mocharc(?:\.[\w]+)?|\.babelrc(?:\.[\w]+)?|\.c8rc(?:\.json)?|\.nycrc(?:\.[\w]+)?|\.taprc)$/;

/** Runner configuration by its place: cargo's (a `runner` there replaces the test binaries) and nextest's. */
const RUNNER_CONFIG_PATH = /(?:^|\/)\.cargo\/config(?:\.toml)?$|(?:^|\/)\.config\/nextest\.toml$/;

/** Folders whose content a test reads as its expectation. */
const FIXTURE_FOLDER = /(?:^|\/)(?:__snapshots__|__fixtures__|testdata|tests?\/fixtures|tests?\/data)\//;
const SNAPSHOT_FILE = /\.snap$/;

/** package.json fields that decide how tests start and what they load. */
export const PROTECTED_PACKAGE_FIELDS = [
  'scripts',
  'jest',
  'mocha',
  'ava',
  'c8',
  'nyc',
  'vitest',
  'type',
  'imports',
  'exports',
  'main',
  'module',
  'babel',
  'workspaces',
] as const;

export type ProtectionKind = 'test file' | 'test configuration' | 'test fixture or snapshot';

export interface ProtectedRule {
  /** Tells a test file of the project's framework. */
  isTestFile(relPath: string): boolean;
}

/** Why `relPath` is part of the judge, or undefined when a candidate may change it. */
export function protectionOf(relPath: string, rule: ProtectedRule): ProtectionKind | undefined {
  const posix = relPath.split(path.sep).join('/');
  const name = path.posix.basename(posix);
  if (RUNNER_CONFIG_NAMES.has(name) || RUNNER_CONFIG_PATTERN.test(name) || RUNNER_CONFIG_PATH.test(posix))
    return 'test configuration';
  if (FIXTURE_FOLDER.test(posix) || SNAPSHOT_FILE.test(name)) return 'test fixture or snapshot';
  if (rule.isTestFile(posix)) return 'test file';
  return undefined;
}

/** The protected fields of a package.json that differ between two texts; a parse error counts as all. */
export function changedPackageFields(before: string, after: string): string[] {
  const read = (text: string): Record<string, unknown> | undefined => {
    try {
      const value: unknown = JSON.parse(text);
      return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  };
  const old = read(before);
  const now = read(after);
  if (!old || !now) return ['the whole file (it no longer parses as JSON)'];
  return PROTECTED_PACKAGE_FIELDS.filter((field) => JSON.stringify(old[field]) !== JSON.stringify(now[field]));
}
