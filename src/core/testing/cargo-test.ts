import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseCargoConsole } from './cargo-console';
import { cargoTestId } from './cargo-ids';
import { RUST_TEST_FILE } from './cargo-panic';
import { NEXTEST_WORD, parseNextestJunit, prepareNextest } from './cargo-nextest';
import { CARGO_COMMAND, cargoSelecting, withCargoFlags } from './cargo-select';
import { plainCommand } from './select';
import { type FrameworkAdapter, type PreparedCommand, reportOf, type TestCaseResult } from './types';

export const HUNG_MESSAGE = 'hung: still running when the run was stopped at its time limit';

/**
 * Plain output and no surprises: no colour codes, a backtrace (its frames map the panic onto the
 * project), and no network, which the sandbox does not give: dependencies come from cargo's cache.
 */
const CARGO_ENV: Record<string, string> = {
  CARGO_TERM_COLOR: 'never',
  RUST_BACKTRACE: '1',
  CARGO_NET_OFFLINE: 'true',
};

export const cargoTestAdapter: FrameworkAdapter = {
  id: 'cargo',
  label: 'cargo test',

  detect: async (root) => existsSync(path.join(root, 'Cargo.toml')),
  configuredIn: async (dir) => existsSync(path.join(dir, 'Cargo.toml')),

  defaultCommand: async () => 'cargo test',

  matchesCommand: (command) => CARGO_COMMAND.test(command),

  prepare(command, reportDir): PreparedCommand {
    if (NEXTEST_WORD.test(command)) return { ...prepareNextest(command, reportDir), env: CARGO_ENV };
    // Every test binary runs, not only those before the first failing one: the counts before and after a fix must compare.
    const flags = /(?:^|\s)--no-fail-fast(?=\s|$)/.test(command) ? [] : ['--no-fail-fast'];
    return { command: withCargoFlags(command, flags), env: CARGO_ENV };
  },

  parse(input) {
    const fromReport = input.report ? parseNextestJunit(input.report, input.projectRoot) : undefined;
    const parsed = parseCargoConsole(input.output, input.projectRoot);
    let tests: TestCaseResult[] = fromReport ?? parsed.tests;
    let runError: string | undefined;
    if (tests.length === 0 && parsed.buildErrors.length) {
      // Nothing ran because something does not build: each error is a failure the model must see.
      tests = parsed.buildErrors;
      runError = `the tests do not compile: ${tests[0]!.message ?? 'build failed'} (${tests[0]!.id})`;
    } else if (input.timedOut) {
      const seen = new Set(tests.map((t) => t.id));
      const hung = parsed.unfinished.filter((t) => !seen.has(t.id)).map((t) => ({ ...t, message: HUNG_MESSAGE }));
      tests = [...tests, ...hung];
    }
    const report = reportOf('cargo', tests, input);
    if (runError) report.runError = runError;
    return report;
  },

  selectTests: cargoSelecting,

  isTestFile: (relPath) => RUST_TEST_FILE.test(relPath.split(path.sep).join('/')),

  testId: cargoTestId,
};

/**
 * libtest has no per-test time limit on stable Rust, but with one test thread it prints each test's
 * name before running it: when the run is stopped, the last name without a result is the hung test.
 */
export function cargoOneThread(command: string): string | undefined {
  const plain = plainCommand(command);
  if (!plain || !CARGO_COMMAND.test(plain) || NEXTEST_WORD.test(plain) || /--test-threads/.test(plain))
    return undefined;
  return /\s--(?=\s|$)/.test(plain) ? `${plain} --test-threads=1` : `${plain} -- --test-threads=1`;
}
