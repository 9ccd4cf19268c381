/**
 * Environment for commands run on the user's project. It is built from an allow-list, not scrubbed by
 * name: a secret has no telling name (`DATABASE_URL=postgres://u:pw@h/db`, `GH_PAT`), and test code,
 * which the model may have written, can read and leak whatever it is given.
 */

/** What a shell, a locale and the usual toolchains need to find themselves. */
const ALLOWED_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'TMPDIR',
  'CI',
  'XDG_CACHE_HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  // Python
  'VIRTUAL_ENV',
  'CONDA_PREFIX',
  'CONDA_DEFAULT_ENV',
  'PYTHONPATH',
  'PYENV_ROOT',
  'PYENV_VERSION',
  // Node (not NODE_OPTIONS: it can preload code; the node adapter sets its own)
  'NODE_PATH',
  'NVM_DIR',
  'NVM_BIN',
  'NVM_INC',
  'VOLTA_HOME',
  'PNPM_HOME',
  'COREPACK_HOME',
  // Go, Rust, Java, Ruby, version managers
  'GOPATH',
  'GOROOT',
  'GOFLAGS',
  'GOCACHE',
  'GOMODCACHE',
  'GOTOOLCHAIN',
  'CARGO_HOME',
  'RUSTUP_HOME',
  'RUSTUP_TOOLCHAIN',
  'JAVA_HOME',
  'GRADLE_USER_HOME',
  'GEM_HOME',
  'GEM_PATH',
  'ASDF_DIR',
  'ASDF_DATA_DIR',
]);
const ALLOWED_PREFIXES = ['LC_'];

/** The model's key: never given to the tests, even when the user lists it. */
export const MODEL_KEY_NAMES: readonly string[] = ['SELF_REPAIR_API_KEY', 'OPENAI_API_KEY'];

/** Plain, predictable output: no colour codes in what we parse, no stale bytecode, no buffered prints. */
const FIXED: Record<string, string> = {
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONUNBUFFERED: '1',
};

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isVariableName(name: unknown): name is string {
  return typeof name === 'string' && VARIABLE_NAME.test(name);
}

export function isAllowedName(name: string): boolean {
  return ALLOWED_NAMES.has(name) || ALLOWED_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export function isModelKeyName(name: string): boolean {
  return MODEL_KEY_NAMES.includes(name.toUpperCase());
}

/**
 * The environment of a test run: the allowed variables of `base`, those the user chose to pass
 * (`pass`, minus the model's key), the fixed output settings, then `extra` (the engine's own additions,
 * e.g. the node adapter's reporter). A NODE_OPTIONS the user passes is kept before the adapter's.
 */
export function sandboxEnv(
  base: NodeJS.ProcessEnv = process.env,
  extra?: Record<string, string>,
  pass: readonly string[] = [],
): Record<string, string> {
  const chosen = new Set(pass.filter((name) => !isModelKeyName(name)));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && (isAllowedName(name) || chosen.has(name))) env[name] = value;
  }
  const merged = { ...env, ...FIXED, ...extra };
  if (env.NODE_OPTIONS && extra?.NODE_OPTIONS) merged.NODE_OPTIONS = `${env.NODE_OPTIONS} ${extra.NODE_OPTIONS}`;
  return merged;
}

/** Names the user asked to pass to the tests, checked: the usable ones, and one line per problem. */
export interface PassedEnv {
  names: string[];
  warnings: string[];
}

/** From `--env NAME` or `selfRepair.env`: variable names only; the model's key is refused with a warning. */
export function checkPassedEnv(names: readonly unknown[]): PassedEnv {
  const result: PassedEnv = { names: [], warnings: [] };
  for (const name of names) {
    const problem = envNameProblem(name);
    if (problem) result.warnings.push(problem);
    else if (!result.names.includes(name as string)) result.names.push(name as string);
  }
  return result;
}

/** Why `name` cannot be passed to the tests, in one line; undefined when it can. */
export function envNameProblem(name: unknown): string | undefined {
  if (!isVariableName(name)) {
    const hint = typeof name === 'string' && name.includes('=') ? ' (set its value in your environment)' : '';
    return `not a variable name: ${JSON.stringify(name)}; give a name such as DATABASE_URL${hint}`;
  }
  if (isModelKeyName(name)) return `${name} is not passed to the tests: the model's key never reaches them`;
  return undefined;
}
