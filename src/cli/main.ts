import { Command, CommanderError, InvalidArgumentError } from 'commander';
import {
  DEFAULT_BASE_URL,
  checkPassedEnv,
  DEFAULT_MODEL,
  describeResult,
  envNameProblem,
  errorKindOf,
  errorLine,
  type GenerateTarget,
  isConfigurationError,
  type IsolationKind,
  isVariableName,
  MODEL_KEY_NAMES,
  OpenAIModelClient,
  parseSandboxMode,
  parseSetting,
  repair,
  type RepairEvent,
  type RepairResult,
  resolveModelConfig,
  type SandboxMode,
  selectIsolation,
  SETTING_LIMITS,
  type WholeNumberSettingName,
  writeChanges,
} from '../core';
import { progressPrinter } from './progress';
import { chooseGenerateProject } from './generate';
import { chooseProject, type ChosenProject } from './project';
import { abortOnSignals } from './signals';

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
  env: string[];
  maxTokens: number;
  maxPromptTokens: number;
  maxTime: number;
  verbose?: boolean;
  allowTestEdits?: boolean;
  flakyCheck: boolean;
  tracing: boolean;
  runtimeValues: boolean;
  attemptMemory: boolean;
  dedupe: boolean;
  staged: boolean;
}

/** An option's parser for one of the shared whole-number settings: the same limits as the extension's. */
function wholeNumber(name: WholeNumberSettingName, flag: string) {
  return (value: string): number => {
    const parsed = parseSetting(name, value, flag);
    if (typeof parsed !== 'number') throw new InvalidArgumentError(parsed.problem);
    return parsed;
  };
}

/** `--env NAME`, repeatable: a variable name, never `NAME=value` (the value stays in the user's environment). */
function collectEnvName(value: string, previous: string[]): string[] {
  if (!isVariableName(value)) throw new InvalidArgumentError(envNameProblem(value) ?? value);
  return [...previous, value];
}

/**
 * The key is read once into the model client; then it leaves this process's environment, so that no
 * process started from here inherits it. /proc/<pid>/environ keeps the environment the process started
 * with, so without an OS sandbox test code of the same user can still read it there (see the README).
 */
function forgetModelKeys(env: NodeJS.ProcessEnv): void {
  for (const name of MODEL_KEY_NAMES) delete env[name];
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
  | 'status'
  | 'message'
  | 'turns'
  | 'patch'
  | 'before'
  | 'after'
  | 'requests'
  | 'usage'
  | 'durationMs'
  | 'budget'
  | 'flaky'
> &
  Partial<Pick<RepairResult, 'testEdits' | 'warnings' | 'notes'>>;

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
    ...(result.testEdits?.length ? { testEdits: result.testEdits } : {}),
    ...(result.warnings?.length ? { warnings: result.warnings } : {}),
    ...(isolation ? { isolation } : {}),
    ...(result.budget ? { budget: result.budget } : {}),
    ...(result.flaky?.length ? { flaky: result.flaky } : {}),
    ...(result.notes?.length ? { notes: result.notes } : {}),
    ...(status === 'error' || message || result.budget ? { message: message ?? result.message } : {}),
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

/**
 * Runs `work` with SIGINT, SIGTERM and SIGHUP turned into a cancel: the loop stops and cleans up its runs
 * and copies. Also returns the conventional exit status of the signal received, if any.
 */
async function cancelledBySignals<T>(
  work: (signal: AbortSignal) => Promise<T>,
): Promise<{ value: T; signalStatus: number | undefined }> {
  const controller = new AbortController();
  const signals = abortOnSignals(controller);
  try {
    const value = await work(controller.signal);
    return { value, signalStatus: signals.exitStatus };
  } finally {
    signals.dispose();
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
  for (const warning of result.warnings ?? []) io.stderr(`warning: ${warning}\n`);
  for (const note of result.notes ?? []) io.stderr(`note: ${note}\n`);
  if (result.testEdits?.length) io.stderr(`this patch edits tests: ${result.testEdits.join(', ')}\n`);
  if (applyError) io.stderr(`error: ${applyError}\n`);
  else if (result.status === 'fixed' && result.patch) {
    io.stderr(
      flags.apply
        ? `applied to ${result.changes.map((c) => c.path).join(', ')}\n`
        : 'your files are unchanged; run again with --apply to write the patch\n',
    );
  }
}

function exitCode(result: RepairResult, applyError: string | undefined, signalStatus: number | undefined): number {
  if (applyError) return EXIT.unfixed;
  switch (result.status) {
    case 'fixed':
      return EXIT.fixed;
    case 'unfixed':
      return EXIT.unfixed;
    case 'cancelled':
      return signalStatus ?? EXIT.cancelled;
    case 'error':
      return isConfigurationError(result.errorKind) ? EXIT.usage : EXIT.unfixed;
  }
}

/** Runs the loop on a chosen project: a repair, or with `project.generate` the implementation of a stub. */
async function runRepair(
  project: ChosenProject & { generate?: GenerateTarget },
  flags: RepairFlags,
  io: CliIO,
): Promise<number> {
  const projectRoot = project.root;
  const config = resolveModelConfig({ baseUrl: flags.baseUrl, model: flags.model, env: io.env });
  const model = new OpenAIModelClient(config, { timeoutMs: flags.modelTimeout * 1000 });
  forgetModelKeys(io.env);
  const passEnv = checkPassedEnv(flags.env);
  for (const warning of passEnv.warnings) io.stderr(`warning: ${warning}\n`);
  const isolation = await selectIsolation({
    mode: flags.sandbox,
    network: !!flags.allowNetwork,
    projectRoot,
    passEnv: passEnv.names,
  });
  if (!flags.quiet && project.note) io.stderr(`${project.note}\n`);
  if (!flags.quiet) io.stderr(`isolation: ${isolation.kind}${isolation.reason ? ` (${isolation.reason})` : ''}\n`);
  const onEvent: ((event: RepairEvent) => void) | undefined = flags.quiet
    ? undefined
    : progressPrinter((text) => io.stderr(text), {
        model: config.model,
        live: io.stderrIsTTY,
        verbose: !!flags.verbose,
      });
  const { value: result, signalStatus } = await cancelledBySignals((signal) =>
    repair({
      projectRoot,
      testCommand: flags.test,
      model,
      maxTurns: flags.maxTurns,
      candidatesPerTurn: flags.candidates,
      timeoutMs: flags.timeout * 1000,
      maxTokens: flags.maxTokens,
      maxPromptTokens: flags.maxPromptTokens,
      maxTimeMs: flags.maxTime * 1000,
      allowTestEdits: !!flags.allowTestEdits,
      runner: isolation.runner,
      flakyCheck: flags.flakyCheck,
      tracing: flags.tracing,
      runtimeValues: flags.runtimeValues,
      generate: project.generate,
      attemptMemory: flags.attemptMemory,
      dedupeCandidates: flags.dedupe,
      stagedVerification: flags.staged,
      signal,
      onEvent,
    }),
  );
  const applyError = await applyIfAsked(projectRoot, result, flags);
  printOutcome(io, flags, result, applyError, isolation.kind);
  return exitCode(result, applyError, signalStatus);
}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The whole-number options: each checked against, and defaulting to, the settings contract both hosts share. */
const WHOLE_NUMBER_OPTIONS: ReadonlyArray<readonly [string, string, WholeNumberSettingName]> = [
  ['--max-turns <n>', 'repair turns before giving up', 'maxTurns'],
  ['--candidates <k>', 'candidates asked for in each turn', 'candidatesPerTurn'],
  ['--timeout <seconds>', 'time limit for one test run', 'timeoutSeconds'],
  [
    '--model-timeout <seconds>',
    'how long the model endpoint may stay silent (before its first token, and between chunks)',
    'modelTimeoutSeconds',
  ],
  ['--max-tokens <n>', 'token budget of the whole repair, prompt and completion (0: none)', 'maxTokens'],
  ['--max-time <seconds>', 'time budget of the whole repair (0: none)', 'maxTimeSeconds'],
  [
    '--max-prompt-tokens <n>',
    "tokens one request's prompt may hold (estimated); the least useful context is left out, and the progress says what",
    'maxPromptTokens',
  ],
];

/** `self-repair repair` and its options. */
function repairCommand(program: Command): Command {
  const command = program
    .command('repair')
    .description('run the tests, repair the failing ones, print (or --apply) the verified patch')
    .argument(
      '[path]',
      'project folder, a folder inside one, or a test file: the tests run in the nearest folder above it with a test framework configuration',
      '.',
    );
  return loopOptions(command);
}

/** `self-repair generate <file>:<function>`: the options of `repair`, the same loop. */
function generateCommand(program: Command): Command {
  const command = program
    .command('generate')
    .description('implement a stub so that the tests that call it pass; print (or --apply) the verified patch')
    .argument('<file:function>', 'the stub, e.g. stats/core.py:mean or src/shapes.ts:Rectangle.area');
  return loopOptions(command);
}

/** The options `repair` and `generate` share: how the tests run, the model, the budgets, the output. */
function loopOptions(command: Command): Command {
  command
    .option('-t, --test <command>', 'shell command that runs the tests (detected when omitted)')
    .option('-m, --model <id>', `model id (env SELF_REPAIR_MODEL, default ${DEFAULT_MODEL})`)
    .option('--base-url <url>', `OpenAI-compatible endpoint (env SELF_REPAIR_BASE_URL, default ${DEFAULT_BASE_URL})`);
  for (const [spec, what, name] of WHOLE_NUMBER_OPTIONS) {
    command.option(spec, what, wholeNumber(name, spec.split(' ')[0]!), SETTING_LIMITS[name].default);
  }
  return command
    .option(
      '--sandbox <mode>',
      'OS sandbox for the tests: auto (strongest available), strict (refuse without one), off',
      parseSandboxFlag,
      'auto',
    )
    .option('--no-flaky-check', 'skip running the failing tests again before repairing (saves one test run)')
    .option('--no-tracing', 'skip tracing the failing tests to find the code they run (saves one or two test runs)')
    .option('--no-runtime-values', 'trace which functions the failing tests run, but not the values they see')
    .option('--no-attempt-memory', "don't show each turn the earlier candidates that failed")
    .option('--no-dedupe', 'run the tests for every candidate, even one whose files match an earlier one')
    .option(
      '--no-staged',
      'verify every candidate with the whole suite at once (default: its failing tests first, the whole suite only for one that fixes them)',
    )
    .option('--allow-network', 'let the tests reach the network (off: no network inside the sandbox)')
    .option(
      '--env <name>',
      'pass this variable of your environment to the tests (repeatable); others are not, beyond PATH, HOME, locale and toolchains',
      collectEnvName,
      [] as string[],
    )
    .option(
      '--allow-test-edits',
      'let this run edit test files (never the runner configuration); such edits are listed',
    )
    .option('--apply', 'write the verified patch into the project (default: print it, touch nothing)')
    .option('--json', 'print one JSON object with the outcome on stdout')
    .option('-q, --quiet', 'no progress on stderr')
    .option('--verbose', 'also print on stderr each prompt sent to the model, whole');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  let code = EXIT.usage as number;
  let json = false;
  const program = new Command('self-repair')
    .description('Repairs code against its tests with a language model; only verified patches are offered.')
    .showHelpAfterError('(run self-repair --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) });
  repairCommand(program).action(async (dir: string | undefined, flags: RepairFlags) => {
    json = !!flags.json;
    code = await runRepair(await chooseProject(io.cwd, dir, flags.test), flags, io);
  });
  generateCommand(program).action(async (spec: string, flags: RepairFlags) => {
    json = !!flags.json;
    code = await runRepair(await chooseGenerateProject(io.cwd, spec), flags, io);
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
