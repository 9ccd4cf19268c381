import { Command, CommanderError, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import {
  DEFAULT_BASE_URL,
  DEFAULT_MODEL,
  describeResult,
  errorKindOf,
  errorLine,
  isConfigurationError,
  type IsolationKind,
  OpenAIModelClient,
  parseSandboxMode,
  parseSetting,
  repair,
  type RepairEvent,
  type RepairResult,
  resolveModelConfig,
  type SandboxMode,
  selectIsolation,
  SelfRepairError,
  SETTING_LIMITS,
  type WholeNumberSettingName,
  writeChanges,
} from '../core';
import { progressPrinter } from './progress';

export const EXIT = { fixed: 0, unfixed: 1, usage: 2, cancelled: 130 } as const;

interface RepairFlags {
  test?: string;
  model?: string;
  baseUrl?: string;
  maxTurns: number;
  candidates: number;
  timeout: number;
  modelTimeout: number;
  apply?: boolean;
  json?: boolean;
  quiet?: boolean;
  sandbox: SandboxMode;
  allowNetwork?: boolean;
}

/** An option's parser for one of the shared whole-number settings: the same limits as the extension's. */
function wholeNumber(name: WholeNumberSettingName, flag: string) {
  return (value: string): number => {
    const parsed = parseSetting(name, value, flag);
    if (typeof parsed !== 'number') throw new InvalidArgumentError(parsed.problem);
    return parsed;
  };
}

function parseSandboxFlag(value: string): SandboxMode {
  try {
    return parseSandboxMode(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

type JsonFields = Pick<
  RepairResult,
  'status' | 'message' | 'turns' | 'patch' | 'before' | 'after' | 'requests' | 'usage' | 'durationMs'
>;

/** The `--json` object: the documented fields only, `message` when something went wrong. */
function jsonResult(result: JsonFields, message?: string, isolation?: IsolationKind): string {
  const status = result.status === 'cancelled' ? 'error' : result.status;
  return JSON.stringify({
    status,
    turns: result.turns,
    patch: result.patch,
    before: result.before,
    after: result.after,
    requests: result.requests,
    usage: result.usage,
    durationMs: result.durationMs,
    ...(isolation ? { isolation } : {}),
    ...(status === 'error' || message ? { message: message ?? result.message } : {}),
  });
}

function failedBeforeStart(message: string): JsonFields {
  const none = { passed: 0, failed: 0 };
  return {
    status: 'error',
    message,
    turns: 0,
    patch: '',
    before: none,
    after: none,
    requests: 0,
    usage: { promptTokens: 0, completionTokens: 0 },
    durationMs: 0,
  };
}

async function projectFolder(cwd: string, dir: string | undefined): Promise<string> {
  const projectRoot = path.resolve(cwd, dir ?? '.');
  const isDir = await stat(projectRoot).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new SelfRepairError('no-project', `project folder not found: ${projectRoot}`);
  return projectRoot;
}

/** Runs `work` with Ctrl-C (and SIGTERM) turned into a cancel: the loop stops and cleans up its copies. */
async function cancelledBySignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** With --apply, writes a verified patch; returns why nothing was written when the files changed meanwhile. */
async function applyIfAsked(
  projectRoot: string,
  result: RepairResult,
  flags: RepairFlags,
): Promise<string | undefined> {
  if (result.status !== 'fixed' || !flags.apply || !result.changes.length) return undefined;
  try {
    await writeChanges(projectRoot, result.changes);
    return undefined;
  } catch (error) {
    if (errorKindOf(error) !== 'stale-file') throw error;
    return errorLine(error);
  }
}

/** The patch (or the --json object) on stdout; the outcome, and what happened to the files, on stderr. */
function printOutcome(
  io: CliIO,
  flags: RepairFlags,
  result: RepairResult,
  applyError: string | undefined,
  isolation: IsolationKind,
): void {
  if (flags.json) {
    io.stdout(`${jsonResult(applyError ? { ...result, status: 'error' } : result, applyError, isolation)}\n`);
  } else if (result.patch) {
    io.stdout(result.patch.endsWith('\n') ? result.patch : `${result.patch}\n`);
  }
  if (flags.quiet && flags.json) return;
  const lead = result.status === 'error' || result.status === 'cancelled' ? 'error: ' : '';
  io.stderr(`${lead}${describeResult(result).line}\n`);
  if (applyError) io.stderr(`error: ${applyError}\n`);
  else if (result.status === 'fixed' && result.patch) {
    io.stderr(
      flags.apply
        ? `applied to ${result.changes.map((c) => c.path).join(', ')}\n`
        : 'your files are unchanged; run again with --apply to write the patch\n',
    );
  }
}

function exitCode(result: RepairResult, applyError: string | undefined): number {
  if (applyError) return EXIT.unfixed;
  switch (result.status) {
    case 'fixed':
      return EXIT.fixed;
    case 'unfixed':
      return EXIT.unfixed;
    case 'cancelled':
      return EXIT.cancelled;
    case 'error':
      return isConfigurationError(result.errorKind) ? EXIT.usage : EXIT.unfixed;
  }
}

async function runRepair(dir: string | undefined, flags: RepairFlags, io: CliIO): Promise<number> {
  const projectRoot = await projectFolder(io.cwd, dir);
  const config = resolveModelConfig({ baseUrl: flags.baseUrl, model: flags.model, env: io.env });
  const model = new OpenAIModelClient(config, { timeoutMs: flags.modelTimeout * 1000 });
  const isolation = await selectIsolation({ mode: flags.sandbox, network: !!flags.allowNetwork, projectRoot });
  if (!flags.quiet) io.stderr(`isolation: ${isolation.kind}${isolation.reason ? ` (${isolation.reason})` : ''}\n`);
  const onEvent: ((event: RepairEvent) => void) | undefined = flags.quiet
    ? undefined
    : progressPrinter(io.stderr, { model: config.model, live: io.stderrIsTTY });
  const result = await cancelledBySignals((signal) =>
    repair({
      projectRoot,
      testCommand: flags.test,
      model,
      maxTurns: flags.maxTurns,
      candidatesPerTurn: flags.candidates,
      timeoutMs: flags.timeout * 1000,
      runner: isolation.runner,
      signal,
      onEvent,
    }),
  );
  const applyError = await applyIfAsked(projectRoot, result, flags);
  printOutcome(io, flags, result, applyError, isolation.kind);
  return exitCode(result, applyError);
}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  let code = EXIT.usage as number;
  let json = false;
  const program = new Command('self-repair')
    .description('Repairs code against its tests with a language model; only verified patches are offered.')
    .showHelpAfterError('(run self-repair --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program
    .command('repair')
    .description('run the tests, repair the failing ones, print (or --apply) the verified patch')
    .argument('[dir]', 'project folder', '.')
    .option('-t, --test <command>', 'shell command that runs the tests (detected when omitted)')
    .option('-m, --model <id>', `model id (env SELF_REPAIR_MODEL, default ${DEFAULT_MODEL})`)
    .option('--base-url <url>', `OpenAI-compatible endpoint (env SELF_REPAIR_BASE_URL, default ${DEFAULT_BASE_URL})`)
    .option(
      '--max-turns <n>',
      'repair turns before giving up',
      wholeNumber('maxTurns', '--max-turns'),
      SETTING_LIMITS.maxTurns.default,
    )
    .option(
      '--candidates <k>',
      'candidates asked for in each turn',
      wholeNumber('candidatesPerTurn', '--candidates'),
      SETTING_LIMITS.candidatesPerTurn.default,
    )
    .option(
      '--timeout <seconds>',
      'time limit for one test run',
      wholeNumber('timeoutSeconds', '--timeout'),
      SETTING_LIMITS.timeoutSeconds.default,
    )
    .option(
      '--model-timeout <seconds>',
      'how long the model endpoint may stay silent (before its first token, and between chunks)',
      wholeNumber('modelTimeoutSeconds', '--model-timeout'),
      SETTING_LIMITS.modelTimeoutSeconds.default,
    )
    .option(
      '--sandbox <mode>',
      'OS sandbox for the tests: auto (strongest available), strict (refuse without one), off',
      parseSandboxFlag,
      'auto',
    )
    .option('--allow-network', 'let the tests reach the network (off: no network inside the sandbox)')
    .option('--apply', 'write the verified patch into the project (default: print it, touch nothing)')
    .option('--json', 'print one JSON object with the outcome on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (dir: string | undefined, flags: RepairFlags) => {
      json = !!flags.json;
      code = await runRepair(dir, flags, io);
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : EXIT.usage;
    }
    const message = errorLine(error);
    if (json) {
      io.stdout(`${jsonResult(failedBeforeStart(message))}\n`);
    }
    io.stderr(`error: ${message}\n`);
    return isConfigurationError(errorKindOf(error)) ? EXIT.usage : EXIT.unfixed;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stderrIsTTY: !!process.stderr.isTTY,
    cwd: process.cwd(),
    env: process.env,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT.unfixed;
    },
  );
}
