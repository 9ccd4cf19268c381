import { Command, CommanderError, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { OpenAIModelClient, resolveModelConfig } from '../core/model';
import { ModelError } from '../core/model/types';
import { DEFAULTS, repair, StaleFileError, writeChanges } from '../core/repair';
import type { RepairResult } from '../core/repair/types';
import { progressPrinter } from './progress';
import { abortOnSignals } from './signals';

export const EXIT = { fixed: 0, unfixed: 1, usage: 2, cancelled: 130 } as const;

interface RepairFlags {
  test?: string;
  model?: string;
  baseUrl?: string;
  maxTurns: number;
  candidates: number;
  timeout: number;
  apply?: boolean;
  json?: boolean;
  quiet?: boolean;
}

class UsageError extends Error {}

function positiveInt(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return n;
  };
}

type JsonFields = Pick<
  RepairResult,
  'status' | 'message' | 'turns' | 'patch' | 'before' | 'after' | 'requests' | 'usage' | 'durationMs'
>;

/** The `--json` object: the documented fields only, `message` when something went wrong. */
function jsonResult(result: JsonFields, message?: string): string {
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

async function runRepair(dir: string | undefined, flags: RepairFlags, io: CliIO): Promise<number> {
  const projectRoot = path.resolve(io.cwd, dir ?? '.');
  const isDir = await stat(projectRoot).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new UsageError(`project folder not found: ${projectRoot}`);
  const config = resolveModelConfig({ baseUrl: flags.baseUrl, model: flags.model, env: io.env });
  const model = new OpenAIModelClient(config);
  const controller = new AbortController();
  const signals = abortOnSignals(controller);
  const progress = flags.quiet ? undefined : progressPrinter(io.stderr, { model: config.model, live: io.stderrIsTTY });
  let result: RepairResult;
  try {
    result = await repair({
      projectRoot,
      testCommand: flags.test,
      model,
      maxTurns: flags.maxTurns,
      candidatesPerTurn: flags.candidates,
      timeoutMs: flags.timeout * 1000,
      signal: controller.signal,
      onEvent: progress,
    });
  } finally {
    signals.dispose();
  }

  let applyError: string | undefined;
  if (result.status === 'fixed' && flags.apply && result.changes.length) {
    try {
      await writeChanges(projectRoot, result.changes);
    } catch (error) {
      if (!(error instanceof StaleFileError)) throw error;
      applyError = error.message;
    }
  }

  const seconds = (result.durationMs / 1000).toFixed(1);
  const tokens = `${result.usage.promptTokens}+${result.usage.completionTokens} tokens`;
  if (flags.json) {
    io.stdout(`${jsonResult(applyError ? { ...result, status: 'error' } : result, applyError)}\n`);
  } else {
    if (result.patch) io.stdout(result.patch.endsWith('\n') ? result.patch : `${result.patch}\n`);
  }
  if (!flags.quiet || !flags.json) {
    const counts = (c: { passed: number; failed: number }): string => `${c.passed} passed, ${c.failed} failed`;
    const change =
      result.status === 'fixed' && result.patch ? `: ${counts(result.before)} → ${counts(result.after)}` : '';
    const lead = result.status === 'error' || result.status === 'cancelled' ? 'error: ' : '';
    io.stderr(
      `${lead}${result.message}${change} (${result.requests} request${result.requests === 1 ? '' : 's'}, ${tokens}, ${seconds} s)\n`,
    );
    if (applyError) io.stderr(`error: ${applyError}\n`);
    else if (result.status === 'fixed' && result.patch) {
      io.stderr(
        flags.apply
          ? `applied to ${result.changes.map((c) => c.path).join(', ')}\n`
          : 'your files are unchanged; run again with --apply to write the patch\n',
      );
    }
  }
  if (applyError) return EXIT.unfixed;
  switch (result.status) {
    case 'fixed':
      return EXIT.fixed;
    case 'unfixed':
      return EXIT.unfixed;
    case 'cancelled':
      return signals.exitStatus ?? EXIT.cancelled;
    case 'error':
      return result.errorKind === 'configuration' ? EXIT.usage : EXIT.unfixed;
  }
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
    .option('-m, --model <id>', 'model id (env SELF_REPAIR_MODEL, default gpt-4o-mini)')
    .option(
      '--base-url <url>',
      'OpenAI-compatible endpoint (env SELF_REPAIR_BASE_URL, default https://api.openai.com/v1)',
    )
    .option('--max-turns <n>', 'repair turns before giving up', positiveInt('--max-turns', 20), DEFAULTS.maxTurns)
    .option(
      '--candidates <k>',
      'candidates asked for in each turn',
      positiveInt('--candidates', 16),
      DEFAULTS.candidatesPerTurn,
    )
    .option(
      '--timeout <seconds>',
      'time limit for one test run',
      positiveInt('--timeout', 3600),
      DEFAULTS.timeoutMs / 1000,
    )
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
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    if (json) {
      io.stdout(`${jsonResult(failedBeforeStart(message))}\n`);
    }
    io.stderr(`error: ${message}\n`);
    return error instanceof UsageError || error instanceof ModelError ? EXIT.usage : EXIT.unfixed;
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
