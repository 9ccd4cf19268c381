import { SelfRepairError } from '../../errors';
import * as os from 'node:os';
import { ProcessRunner } from '../process-runner';
import type { Wrap } from '../wrap';
import type { CommandRunner } from '../types';
import { bwrapWrap, probeBwrap, type Availability } from './bwrap';
import { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './limits';
import { detectSeatbelt, seatbeltWrap } from './seatbelt';

export type SandboxMode = 'auto' | 'strict' | 'off';
export type IsolationKind = 'bwrap' | 'seatbelt' | 'none';
export const SANDBOX_MODES: readonly SandboxMode[] = ['auto', 'strict', 'off'];

export interface IsolationOptions {
  /** `auto`: the strongest sandbox available, else none; `strict`: refuse without one; `off`: none. */
  mode: SandboxMode;
  /** Let test code reach the network (a local database, a service). Off by default. */
  network: boolean;
  projectRoot: string;
  /** Writable besides the candidate's copy and a private temp folder. */
  writable?: string[];
  limits?: Partial<SandboxLimits>;
  killGraceMs?: number;
  /** Variables the user chose to give the tests beyond the allow-list (`--env NAME`, `selfRepair.env`). */
  passEnv?: readonly string[];
  /** For tests and unusual installs: the bubblewrap executable (default: `bwrap` on PATH). */
  bwrap?: string;
  platform?: NodeJS.Platform;
  home?: string;
}

export interface Isolation {
  kind: IsolationKind;
  runner: CommandRunner;
  /** Why the kind is not the strongest one: no sandbox here, or the user turned it off. */
  reason?: string;
}

/** `strict` without a sandbox: the repair must not run. */
export class IsolationError extends SelfRepairError {
  constructor(message: string) {
    super('sandbox', message);
    this.name = 'IsolationError';
  }
}

/** Picks how test commands run: under bubblewrap (Linux), sandbox-exec (macOS), or plainly. */
export async function selectIsolation(options: IsolationOptions): Promise<Isolation> {
  const plain = (reason: string): Isolation => ({ kind: 'none', runner: runnerWith(options), reason });
  if (options.mode === 'off') return plain('the sandbox is turned off');
  const found = await strongestAvailable(options);
  if (found.kind !== 'none') return { kind: found.kind, runner: runnerWith(options, found.wrap) };
  if (options.mode === 'strict')
    throw new IsolationError(`sandbox "strict" needs an OS sandbox, and none is available: ${found.reason}`);
  return plain(`no OS sandbox: ${found.reason}`);
}

type Found = { kind: 'bwrap' | 'seatbelt'; wrap: Wrap } | { kind: 'none'; reason: string };

async function strongestAvailable(options: IsolationOptions): Promise<Found> {
  const platform = options.platform ?? process.platform;
  const common = {
    network: options.network,
    projectRoot: options.projectRoot,
    writable: options.writable ?? [],
    home: options.home ?? os.homedir(),
    limits: { ...DEFAULT_SANDBOX_LIMITS, ...options.limits },
  };
  if (platform === 'linux') {
    const bwrap: Availability = await probeBwrap(options.bwrap);
    if (!bwrap.available) return { kind: 'none', reason: bwrap.reason };
    return { kind: 'bwrap', wrap: bwrapWrap({ ...common, bwrap: bwrap.path }) };
  }
  const seatbelt = detectSeatbelt(platform);
  if (!seatbelt.available) return { kind: 'none', reason: seatbelt.reason };
  return { kind: 'seatbelt', wrap: seatbeltWrap({ ...common, tmpDir: os.tmpdir() }) };
}

function runnerWith(options: IsolationOptions, wrap?: Wrap): CommandRunner {
  return new ProcessRunner({ killGraceMs: options.killGraceMs, wrap, passEnv: options.passEnv });
}

/** `auto`, `strict` or `off` from a flag or a setting; anything else is a one-line error. */
export function parseSandboxMode(value: unknown): SandboxMode {
  if (typeof value === 'string' && (SANDBOX_MODES as readonly string[]).includes(value)) return value as SandboxMode;
  throw new IsolationError(`sandbox must be one of ${SANDBOX_MODES.join(', ')}; got ${JSON.stringify(value)}`);
}
