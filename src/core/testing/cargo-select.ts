/** Narrowing `cargo test` / `cargo nextest run` to some tests: target flags for the binaries, libtest's exact names. */
import { plainCommand } from './select';
import { shellQuote } from './shell';
import type { TestCaseResult } from './types';

/** `cargo test`, `cargo +nightly t`, `cargo nextest run`: where cargo's own options may follow. */
export const CARGO_COMMAND =
  /(?:^|[\s;&|/'"(])cargo(?:\s+\+\S+)?\s+(?:(test|t)|nextest\s+(?:[^;&|]*?\s)?(?:run|r))(?=$|[\s;&|)'"])/;
const TARGET_FLAG = /(?:^|\s)--(?:lib|bins?|tests?|examples?|benches|bench|doc|all-targets)(?=\s|=|$)/;
const DOC_TEST = / - .* \(line \d+\)$/;

/** The command with `flags` right after its `cargo test` (or `cargo nextest run`) words. */
export function withCargoFlags(command: string, flags: readonly string[]): string {
  const match = CARGO_COMMAND.exec(command);
  if (!match || !flags.length) return command;
  const end = match.index + match[0].length;
  return `${command.slice(0, end)} ${flags.join(' ')}${command.slice(end)}`;
}

export function cargoSelecting(
  command: string,
  tests: readonly TestCaseResult[],
  scope: 'tests' | 'files',
): string | undefined {
  const plain = plainCommand(command);
  if (!plain || !tests.length || !CARGO_COMMAND.test(plain)) return undefined;
  const [cargoPart, testArgs] = splitTestArgs(plain);
  // Target flags of the user's own narrow the run already; ours would widen or contradict them.
  const targets = TARGET_FLAG.test(cargoPart) ? undefined : targetFlags(tests);
  if (scope === 'files') return targets ? withCargoFlags(plain, targets) : undefined;
  const narrowed = targets ? withCargoFlags(cargoPart, targets) : cargoPart;
  const names = [...new Set(tests.map((t) => t.name))].map(shellQuote);
  const exact = /(?:^|\s)--exact(?=\s|$)/.test(testArgs ?? '') ? [] : ['--exact'];
  return [narrowed, '--', ...(testArgs ? [testArgs] : []), ...exact, ...names].join(' ');
}

/** The command before its ` -- ` and the test binary's arguments after it. */
function splitTestArgs(command: string): [string, string | undefined] {
  const at = /\s--(?=\s|$)/.exec(command);
  if (!at) return [command, undefined];
  return [command.slice(0, at.index), command.slice(at.index + at[0].length).trim() || undefined];
}

/** `--lib`, `--test api`, `--doc` for the binaries that hold `tests`; undefined when one has no such flag. */
function targetFlags(tests: readonly TestCaseResult[]): string[] | undefined {
  const flags = new Set<string>();
  for (const test of tests) {
    const flag = DOC_TEST.test(test.id) ? '--doc' : targetFlag(test.file);
    if (!flag) return undefined;
    flags.add(flag);
  }
  // Cargo refuses --doc beside any other target flag.
  if (flags.has('--doc') && flags.size > 1) return undefined;
  return [...flags];
}

function targetFlag(file: string | undefined): string | undefined {
  if (file === 'src/lib.rs') return '--lib';
  const integration = /^tests\/([\w-]+)(?:\.rs|\/main\.rs)$/.exec(file ?? '');
  return integration ? `--test ${integration[1]!}` : undefined;
}
