import { DEFAULTS } from '../../core/repair/loop';

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
}

export const SETTING_LIMITS = {
  maxTurns: { min: 1, max: 20, default: DEFAULTS.maxTurns },
  candidatesPerTurn: { min: 1, max: 16, default: DEFAULTS.candidatesPerTurn },
  timeoutSeconds: { min: 1, max: 3600, default: DEFAULTS.timeoutMs / 1000 },
} as const;

export interface RawSettings {
  baseUrl?: unknown;
  model?: unknown;
  testCommand?: unknown;
  maxTurns?: unknown;
  candidatesPerTurn?: unknown;
  timeoutSeconds?: unknown;
}

/** Values as the settings hold them (hand-edited JSON may hold anything) → what a repair runs with. */
export function normalizeSettings(raw: RawSettings): RepairSettings {
  return {
    baseUrl: text(raw.baseUrl),
    model: text(raw.model),
    testCommand: text(raw.testCommand),
    maxTurns: whole(raw.maxTurns, SETTING_LIMITS.maxTurns),
    candidatesPerTurn: whole(raw.candidatesPerTurn, SETTING_LIMITS.candidatesPerTurn),
    timeoutMs: whole(raw.timeoutSeconds, SETTING_LIMITS.timeoutSeconds) * 1000,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

function whole(value: unknown, limits: { min: number; max: number; default: number }): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return limits.default;
  return Math.min(limits.max, Math.max(limits.min, Math.round(value)));
}
