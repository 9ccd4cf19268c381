/**
 * The settings both hosts offer, declared once: the CLI's options and defaults, the extension's
 * settings (package.json declares the same limits; test/extension/manifest.test.ts compares them).
 */

/** A whole-number setting: its allowed range and the value used when none is given. */
export interface WholeNumberSetting {
  min: number;
  max: number;
  default: number;
}

export const SETTING_LIMITS = {
  /** Repair turns before giving up. */
  maxTurns: { min: 1, max: 20, default: 4 },
  /**
   * Independent candidates asked for in each turn. The default stays 1 although sampling wide, then
   * repairing shallow, finds more fixes per model call (Olausson et al., "Is Self-Repair a Silver
   * Bullet?"): the extra candidates' cost is not the model's but the test runs'. With `n` the prompt is
   * paid once and each run stops at the first fix, yet every candidate that fails still costs a whole
   * suite run, and on a machine with two cores runs cannot overlap (two 30 s suites at once took 60 s
   * each). Endpoints that ignore `n` (Ollama, llama.cpp: the local models the 6,000-token prompt
   * default is for) also read the whole prompt again per candidate. So widening is the user's choice
   * (`--candidates 3`), and with it the first turn is one request and sibling runs end at the first fix.
   */
  candidatesPerTurn: { min: 1, max: 16, default: 1 },
  /** Seconds one test run may take. */
  timeoutSeconds: { min: 1, max: 3600, default: 120 },
  /** Tokens (prompt and completion, all requests) one repair may spend; 0 for no limit. */
  maxTokens: { min: 0, max: 100_000_000, default: 0 },
  /** Seconds one whole repair may take; 0 for no limit. */
  maxTimeSeconds: { min: 0, max: 86_400, default: 0 },
  /**
   * Seconds the model endpoint may stay silent: before its first byte, and between streamed chunks.
   * Hosted endpoints start streaming within seconds and then send many chunks a second, so 30 s of
   * silence means a stalled endpoint (or a local model still loading): reported at once rather than
   * after minutes. A CPU-only local model reading a long prompt may need more.
   */
  modelTimeoutSeconds: { min: 1, max: 600, default: 30 },
  /**
   * Tokens one request's prompt may hold (system prompt and user message, estimated): what is worth
   * most (the failure, the most suspect function) goes in first, the rest as long as it fits. 6,000
   * leaves room for the reply within the 8k context of small local models; hosted models take more.
   */
  maxPromptTokens: { min: 1000, max: 200_000, default: 6000 },
} as const satisfies Record<string, WholeNumberSetting>;

export type WholeNumberSettingName = keyof typeof SETTING_LIMITS;

/** On/off settings and their defaults (package.json declares the same; the manifest test compares them). */
export const SWITCH_SETTINGS = {
  /** Run the failing tests again on the unchanged code before repairing, to leave flaky ones out. */
  flakyCheck: { default: true },
  /** Run the failing tests once more under a tracer, to find the functions they execute. */
  tracing: { default: true },
  /** Record the arguments, locals and result of the most suspect function while a failing test runs. */
  runtimeValues: { default: true },
  /** Show each turn the earlier candidates that failed (short diffs, and why) and ask for a different approach. */
  attemptMemory: { default: true },
  /**
   * Verify candidates with the same resulting files once, drop a change an earlier turn already tested,
   * and end the repair when a turn only repeats earlier changes for the same failures.
   */
  dedupeCandidates: { default: true },
  /**
   * Verify a candidate on its failing tests first (where the framework can select them), and run the whole
   * suite only for one that fixes them: a wrong candidate costs a short run instead of a full one.
   */
  stagedVerification: { default: true },
} as const satisfies Record<string, { default: boolean }>;

/** Settings with a fixed set of values, the first being the default (package.json declares the same enum). */
export const CHOICE_SETTINGS = {
  /**
   * Whether Self-repair's own Test Explorer tree shows a folder's tests: `auto` leaves it out when an
   * installed extension already shows that framework's tests; `always`; `never`.
   */
  testExplorer: ['auto', 'always', 'never'],
  /**
   * How a verified candidate is shown first: `inline` in the user's own editor (removed lines red,
   * added lines as green ghost text, Accept / Reject over each change), or `diff` in the side-by-side
   * diff editor.
   */
  reviewStyle: ['inline', 'diff'],
} as const satisfies Record<string, readonly string[]>;

export type ChoiceSettingName = keyof typeof CHOICE_SETTINGS;
export type ChoiceOf<Name extends ChoiceSettingName> = (typeof CHOICE_SETTINGS)[Name][number];

/** A value from hand-edited settings: one of the setting's values, else its default. */
export function chooseSetting<Name extends ChoiceSettingName>(name: Name, value: unknown): ChoiceOf<Name> {
  const values: readonly string[] = CHOICE_SETTINGS[name];
  return (typeof value === 'string' && values.includes(value) ? value : values[0]) as ChoiceOf<Name>;
}

/**
 * The endpoint and model when neither a setting, an option nor an environment variable names one.
 * Base URLs of other OpenAI-compatible endpoints:
 * - Ollama: `http://localhost:11434/v1`
 * - LM Studio: `http://localhost:1234/v1`
 * - vLLM: `http://localhost:8000/v1`
 * - llama.cpp server: `http://localhost:8080/v1`
 * - Azure OpenAI: `https://<resource>.openai.azure.com/openai/v1`
 */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MODEL = 'gpt-4o-mini';

/** The model client's silence limit when none is given. */
export const MODEL_TIMEOUT_MS = SETTING_LIMITS.modelTimeoutSeconds.default * 1000;

/** The repair loop's defaults, in the loop's units. */
export const REPAIR_DEFAULTS = {
  maxTurns: SETTING_LIMITS.maxTurns.default,
  candidatesPerTurn: SETTING_LIMITS.candidatesPerTurn.default,
  timeoutMs: SETTING_LIMITS.timeoutSeconds.default * 1000,
  maxPromptTokens: SETTING_LIMITS.maxPromptTokens.default,
  flakyCheck: SWITCH_SETTINGS.flakyCheck.default,
  tracing: SWITCH_SETTINGS.tracing.default,
  runtimeValues: SWITCH_SETTINGS.runtimeValues.default,
  attemptMemory: SWITCH_SETTINGS.attemptMemory.default,
  dedupeCandidates: SWITCH_SETTINGS.dedupeCandidates.default,
  stagedVerification: SWITCH_SETTINGS.stagedVerification.default,
} as const;

/** A value from hand-edited settings, rounded and pulled into range; the default when it is no number at all. */
export function clampSetting(name: WholeNumberSettingName, value: unknown): number {
  const limits: WholeNumberSetting = SETTING_LIMITS[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) return limits.default;
  return Math.min(limits.max, Math.max(limits.min, Math.round(value)));
}

/** A value typed by a person (a command-line option): the number, or why it is refused, in one line. */
export function parseSetting(
  name: WholeNumberSettingName,
  text: string,
  label: string = name,
): number | { problem: string } {
  const limits: WholeNumberSetting = SETTING_LIMITS[name];
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < limits.min || n > limits.max) {
    return { problem: `${label} must be a whole number from ${limits.min} to ${limits.max}` };
  }
  return n;
}
