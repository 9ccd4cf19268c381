/**
 * What went wrong, as a kind the hosts act on (exit codes, buttons) and a one-line message they
 * show. Hosts decide on `kind`, never on the wording of `message`.
 */
export type ErrorKind =
  // The model endpoint, each fixed in the settings or the environment.
  | 'missing-key'
  | 'bad-key'
  | 'unreachable'
  | 'unknown-model'
  // The model endpoint misbehaved; trying again later may help.
  | 'rate-limited'
  | 'bad-response'
  | 'server'
  // The project: no such folder, or no way to run its tests (no framework detected, command not found, no results).
  | 'no-project'
  | 'test-command'
  // The OS sandbox was required (strict) and none is available, or the sandbox mode is not one we know.
  | 'sandbox'
  // The user's files changed while the repair ran, so the patch was not written.
  | 'stale-file'
  | 'cancelled'
  // Generate mode: the function named is not there, not a stub, or no test calls it.
  | 'generate-target'
  // Anything else: a fault of Self-repair itself.
  | 'internal';

/** Problems the user fixes in the settings, the environment or the command line, without touching code. */
const CONFIGURATION: ReadonlySet<ErrorKind> = new Set([
  'missing-key',
  'bad-key',
  'unreachable',
  'unknown-model',
  'no-project',
  'test-command',
  'sandbox',
  'generate-target',
]);

/** Problems with the API key, which the user sets with "Set API Key" (or SELF_REPAIR_API_KEY). */
const KEY: ReadonlySet<ErrorKind> = new Set(['missing-key', 'bad-key']);

/** An error meant for a person: `message` is one line, no stack needed. */
export class SelfRepairError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'SelfRepairError';
  }
}

export function isConfigurationError(kind: ErrorKind | undefined): boolean {
  return kind !== undefined && CONFIGURATION.has(kind);
}

export function isKeyError(kind: ErrorKind | undefined): boolean {
  return kind !== undefined && KEY.has(kind);
}

/** The kind of anything thrown: its own when it has one, else `fallback`. */
export function errorKindOf(error: unknown, fallback: ErrorKind = 'internal'): ErrorKind {
  return error instanceof SelfRepairError ? error.kind : fallback;
}

/** The first line of anything thrown, for a one-line message. */
export function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
