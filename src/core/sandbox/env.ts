/**
 * Environment for commands run on the user's project: the model's key and other secrets are removed so
 * that test code (which the model may have written) cannot read or leak them.
 */

const SECRET_PREFIXES = ['SELF_REPAIR_', 'OPENAI_', 'AZURE_OPENAI_'];
const SECRET_NAME = /(API_?KEY|TOKEN|SECRET|PASSWORD)/i;

/** Plain, predictable output: no colour codes in what we parse, no stale bytecode, no buffered prints. */
const FIXED: Record<string, string> = {
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  PYTHONDONTWRITEBYTECODE: '1',
  PYTHONUNBUFFERED: '1',
};

export function isSecretName(name: string): boolean {
  const upper = name.toUpperCase();
  return SECRET_PREFIXES.some((prefix) => upper.startsWith(prefix)) || SECRET_NAME.test(name);
}

/** `extra` is the caller's explicit choice, so it is applied last and not scrubbed. */
export function sandboxEnv(
  base: NodeJS.ProcessEnv = process.env,
  extra?: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && !isSecretName(name)) env[name] = value;
  }
  return { ...env, ...FIXED, ...extra };
}
