import { clampSetting } from '../../core';

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
  /** How long the model endpoint may stay silent. */
  modelTimeoutMs: number;
}

export interface RawSettings {
  baseUrl?: unknown;
  model?: unknown;
  testCommand?: unknown;
  maxTurns?: unknown;
  candidatesPerTurn?: unknown;
  timeoutSeconds?: unknown;
  modelTimeoutSeconds?: unknown;
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
    modelTimeoutMs: clampSetting('modelTimeoutSeconds', raw.modelTimeoutSeconds) * 1000,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
