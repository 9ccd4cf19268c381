import path from 'node:path';
import { packageScriptFor } from './common';
import { nodeTestAdapter } from './node-test';
import { pytestAdapter } from './pytest';
import type { TestReport } from './types';

export interface PreparedCommand {
  command: string;
  /** Added to the run's environment (NODE_OPTIONS is appended to, not replaced). */
  env?: Record<string, string>;
  /** Where the machine-readable report will be written, when the command could be given a reporter. */
  reportPath?: string;
}

/** What one test framework needs to be run and understood. New frameworks implement this and join `adapters`. */
export interface FrameworkAdapter {
  readonly id: string;
  readonly label: string;
  /** Cheap file checks: does the project at `projectRoot` look like it uses this framework? */
  detect(projectRoot: string): Promise<boolean>;
  defaultCommand(projectRoot: string): Promise<string>;
  /** Does this user command run this framework? */
  matchesCommand(command: string): boolean;
  /** Adds machine-readable reporter flags, writing into `reportDir`; other commands come back unchanged. */
  prepare(command: string, reportDir: string): PreparedCommand;
  parse(input: RawTestRun): TestReport;
  isTestFile(relPath: string): boolean;
}

export interface RawTestRun {
  projectRoot: string;
  command: string;
  exitCode: number | null;
  timedOut: boolean;
  output: string;
  durationMs: number;
  /** Text of the report file, when the run produced one. */
  report?: string;
}

/** In order of precedence for detection: specific frameworks first, catch-alls (node --test) last. */
export const adapters: readonly FrameworkAdapter[] = [pytestAdapter, nodeTestAdapter];

export function adapterById(id: string): FrameworkAdapter | undefined {
  return adapters.find((adapter) => adapter.id === id);
}

/**
 * The adapter for a project: the user's command decides when it names a known framework (directly or
 * through a package.json script); otherwise the project's files do.
 */
export async function selectAdapter(projectRoot: string, command?: string): Promise<FrameworkAdapter> {
  if (command?.trim()) {
    const direct = adapters.find((adapter) => adapter.matchesCommand(command));
    if (direct) return direct;
    const script = await packageScriptFor(projectRoot, command);
    const viaScript = script ? adapters.find((adapter) => adapter.matchesCommand(script)) : undefined;
    if (viaScript) return viaScript;
  }
  for (const adapter of adapters) {
    if (await adapter.detect(projectRoot)) return adapter;
  }
  const name = path.basename(path.resolve(projectRoot));
  if (command?.trim()) {
    throw new Error(`could not tell which test framework "${command}" runs in ${name}; supported: ${labels()}`);
  }
  throw new Error(`could not tell which test framework ${name} uses; pass --test "<command>" (supported: ${labels()})`);
}

function labels(): string {
  return adapters.map((adapter) => adapter.label).join(', ');
}
