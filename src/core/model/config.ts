import { DEFAULT_BASE_URL, DEFAULT_MODEL } from '../settings';
import { ModelError } from './types';

/** Where to send chat requests. Always passed to the SDK explicitly, so its own env lookups never decide. */
export interface ModelConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
}

/** Sent to loopback servers that ignore keys, because the SDK refuses to run without one. */
export const LOCAL_PLACEHOLDER_KEY = 'not-needed';
export const MISSING_KEY_MESSAGE = 'no API key: set SELF_REPAIR_API_KEY (or OPENAI_API_KEY), or use "Set API Key"';

/**
 * Resolves endpoint, model and key: explicit values first, then SELF_REPAIR_* variables, then defaults.
 * The key may also come from OPENAI_API_KEY; the base URL never from OPENAI_BASE_URL, so a variable set
 * for some other tool cannot silently redirect our requests. Loopback endpoints need no key.
 */
export function resolveModelConfig(input: {
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  env?: NodeJS.ProcessEnv;
}): ModelConfig {
  const env = input.env ?? process.env;
  const baseUrl = normalizeBaseUrl(pick(input.baseUrl, env.SELF_REPAIR_BASE_URL) ?? DEFAULT_BASE_URL);
  const model = pick(input.model, env.SELF_REPAIR_MODEL) ?? DEFAULT_MODEL;
  const apiKey = pick(input.apiKey, env.SELF_REPAIR_API_KEY, env.OPENAI_API_KEY);
  if (apiKey) return { baseUrl, model, apiKey };
  if (isLoopbackUrl(baseUrl)) return { baseUrl, model, apiKey: LOCAL_PLACEHOLDER_KEY };
  throw new ModelError('missing-key', MISSING_KEY_MESSAGE);
}

/** Checks that `raw` is an http(s) URL and drops trailing slashes; throws a one-line ModelError otherwise. */
export function normalizeBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badUrl(raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badUrl(raw);
  return url.href.replace(/\/+$/, '');
}

/** True for localhost, 127.0.0.0/8 and ::1: servers on this machine, which usually take no key. */
export function isLoopbackUrl(baseUrl: string): boolean {
  let host: string;
  try {
    host = new URL(baseUrl).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '[::1]' ||
    host === '[::ffff:7f00:1]'
  );
}

function pick(...values: (string | undefined)[]): string | undefined {
  // Empty strings count as unset: an empty setting or `VAR=` means "not configured", not "use ''".
  return values.map((value) => value?.trim()).find((value) => value);
}

function badUrl(raw: string): ModelError {
  return new ModelError(
    'unreachable',
    `invalid model base URL "${raw}": expected an http(s) URL such as http://localhost:11434/v1`,
  );
}
