import path from 'node:path';
import { cargoTestAdapter } from './cargo-test';
import { goTestAdapter } from './go-test';
import { jestAdapter } from './jest';
import { mochaAdapter } from './mocha';
import { nodeTestAdapter } from './node-test';
import { packageScriptFor } from './package-json';
import { pytestAdapter } from './pytest';
import type { FrameworkAdapter } from './types';
import { unittestAdapter } from './unittest';
import { vitestAdapter } from './vitest';

/**
 * In order of precedence for detection: specific frameworks first, catch-alls (node --test) last.
 * The JavaScript runners claim a project only on its package.json (a test script naming the runner,
 * a dependency) or the runner's config file, and defer to the runner its `npm test` script names, so
 * among them the order matters only for a project whose script names none. unittest comes before
 * pytest, as it claims only projects with no sign of pytest.
 */
export const adapters: readonly FrameworkAdapter[] = [
  vitestAdapter,
  jestAdapter,
  mochaAdapter,
  unittestAdapter,
  pytestAdapter,
  goTestAdapter,
  cargoTestAdapter,
  nodeTestAdapter,
];

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
