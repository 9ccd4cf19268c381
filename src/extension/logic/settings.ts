import { checkPassedEnv, type ChoiceOf, chooseSetting, clampSetting, SWITCH_SETTINGS } from '../../core';

/** The `selfRepair.*` settings, checked and in the units the engine takes. */
export interface RepairSettings {
  /** Empty means: SELF_REPAIR_BASE_URL, else the engine's default endpoint. */
  baseUrl?: string;
  model?: string;
  /** Empty means: detected from the project. */
  testCommand?: string;
  maxTurns: number;
  candidatesPerTurn: number;
  timeoutMs: number;
  /** Token budget of one repair; 0 for none. */
  maxTokens: number;
  /** Tokens one request's prompt may hold (estimated). */
  maxPromptTokens: number;
  /** Time budget of one repair; 0 for none. */
  maxTimeMs: number;
  /** Variables of VS Code's environment passed to the tests beyond the allow-list. */
  env: string[];
  /** What was wrong with `selfRepair.env`, one line each (for the log). */
  envWarnings: string[];
  /** Rerun the failing tests before repairing, to leave flaky ones out. */
  flakyCheck: boolean;
  /** Trace the failing tests before the first turn, to find the code they run. */
  tracing: boolean;
  /** Record the most suspect function's values while tracing. */
  runtimeValues: boolean;
  /** Show each turn the earlier failed candidates and ask for a different approach. */
  attemptMemory: boolean;
  /** Verify identical candidates once and stop a repair that only repeats itself. */
  dedupeCandidates: boolean;
  /** Verify a candidate on its failing tests first, the whole suite only when they pass. */
  stagedVerification: boolean;
  /** How long the model endpoint may stay silent. */
  modelTimeoutMs: number;
  /** Whether our Test Explorer tree shows this folder's tests (`auto`: unless another extension does). */
  testExplorer: ChoiceOf<'testExplorer'>;
  /** Where a verified candidate is shown first: inline in the user's editor, or the side-by-side diff. */
  reviewStyle: ChoiceOf<'reviewStyle'>;
}

export interface RawSettings {
  baseUrl?: unknown;
  model?: unknown;
  testCommand?: unknown;
  maxTurns?: unknown;
  candidatesPerTurn?: unknown;
  timeoutSeconds?: unknown;
  maxTokens?: unknown;
  maxPromptTokens?: unknown;
  maxTimeSeconds?: unknown;
  env?: unknown;
  flakyCheck?: unknown;
  tracing?: unknown;
  runtimeValues?: unknown;
  attemptMemory?: unknown;
  dedupeCandidates?: unknown;
  stagedVerification?: unknown;
  modelTimeoutSeconds?: unknown;
  testExplorer?: unknown;
  reviewStyle?: unknown;
}

/** Values as the settings hold them (hand-edited JSON may hold anything) → what a repair runs with. */
export function normalizeSettings(raw: RawSettings): RepairSettings {
  return {
    baseUrl: text(raw.baseUrl),
    model: text(raw.model),
    testCommand: text(raw.testCommand),
    maxTurns: clampSetting('maxTurns', raw.maxTurns),
    candidatesPerTurn: clampSetting('candidatesPerTurn', raw.candidatesPerTurn),
    timeoutMs: clampSetting('timeoutSeconds', raw.timeoutSeconds) * 1000,
    maxTokens: clampSetting('maxTokens', raw.maxTokens),
    maxPromptTokens: clampSetting('maxPromptTokens', raw.maxPromptTokens),
    maxTimeMs: clampSetting('maxTimeSeconds', raw.maxTimeSeconds) * 1000,
    ...passedEnv(raw.env),
    flakyCheck: typeof raw.flakyCheck === 'boolean' ? raw.flakyCheck : SWITCH_SETTINGS.flakyCheck.default,
    tracing: typeof raw.tracing === 'boolean' ? raw.tracing : SWITCH_SETTINGS.tracing.default,
    runtimeValues: typeof raw.runtimeValues === 'boolean' ? raw.runtimeValues : SWITCH_SETTINGS.runtimeValues.default,
    attemptMemory: typeof raw.attemptMemory === 'boolean' ? raw.attemptMemory : SWITCH_SETTINGS.attemptMemory.default,
    dedupeCandidates:
      typeof raw.dedupeCandidates === 'boolean' ? raw.dedupeCandidates : SWITCH_SETTINGS.dedupeCandidates.default,
    stagedVerification:
      typeof raw.stagedVerification === 'boolean' ? raw.stagedVerification : SWITCH_SETTINGS.stagedVerification.default,
    modelTimeoutMs: clampSetting('modelTimeoutSeconds', raw.modelTimeoutSeconds) * 1000,
    testExplorer: chooseSetting('testExplorer', raw.testExplorer),
    reviewStyle: chooseSetting('reviewStyle', raw.reviewStyle),
  };
}

function passedEnv(value: unknown): { env: string[]; envWarnings: string[] } {
  if (value === undefined || value === null) return { env: [], envWarnings: [] };
  if (!Array.isArray(value)) return { env: [], envWarnings: ['selfRepair.env must be a list of variable names'] };
  const { names, warnings } = checkPassedEnv(value);
  return { env: names, envWarnings: warnings.map((w) => `selfRepair.env: ${w}`) };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
