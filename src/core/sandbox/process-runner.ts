import { stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { CappedOutput } from './capped-output';
import { sandboxEnv } from './env';
import type { CommandRunner, RunRequest, RunResult } from './types';

/*
 * execa is ESM-only and is loaded with import() on purpose: the package is CommonJS, and under tsx (tests)
 * a static import is turned into require(), whose resolution fails inside execa's dependencies
 * (privatenumber/tsx#673). A bundler inlines the dynamic import just the same.
 */

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 1500;
/** setTimeout fires at once for larger delays, so treat them as "no timeout". */
const MAX_TIMER_MS = 2 ** 31 - 1;
const GROUP_POLL_MS = 20;

/** Builds the argv that runs a command (e.g. under an OS sandbox) instead of `/bin/sh -c command`. */
export type WrapCommand = (request: { command: string; cwd: string; env: Record<string, string> }) => {
  file: string;
  args: string[];
};

export interface ProcessRunnerOptions {
  /** Time between SIGTERM and SIGKILL for the process group. */
  killGraceMs?: number;
  wrap?: WrapCommand;
  /** Variables of this process the user chose to give the tests, beyond the allow-list (`--env NAME`). */
  passEnv?: readonly string[];
}

/**
 * Runs commands with `/bin/sh -c` in their own process group. Test suites spawn workers, servers and
 * browsers; killing only the shell would leave those running and holding our pipes, so every stop
 * (timeout, cancel, or the shell exiting with leftovers) is applied to the whole group.
 */
export class ProcessRunner implements CommandRunner {
  readonly name = 'process';
  private readonly killGraceMs: number;
  private readonly wrap?: WrapCommand;
  private readonly passEnv: readonly string[];

  constructor(options: ProcessRunnerOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.wrap = options.wrap;
    this.passEnv = options.passEnv ?? [];
  }

  async run(request: RunRequest): Promise<RunResult> {
    const { command, cwd, timeoutMs, signal } = request;
    if (!(timeoutMs > 0)) throw new Error(`timeoutMs must be a positive number, got ${timeoutMs}`);
    await assertDirectory(cwd);

    const started = performance.now();
    const output = new CappedOutput(request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    const stdout = new CappedOutput(output.maxBytes);
    const stderr = new CappedOutput(output.maxBytes);
    const finish = (fields: Pick<RunResult, 'exitCode' | 'signal' | 'timedOut' | 'cancelled'>): RunResult => ({
      ...fields,
      output: output.text(),
      stdout: stdout.text(),
      stderr: stderr.text(),
      truncated: output.truncated || stdout.truncated || stderr.truncated,
      durationMs: Math.round(performance.now() - started),
    });
    if (signal?.aborted) return finish({ exitCode: null, timedOut: false, cancelled: true });

    const { execa } = await import('execa');
    const env = sandboxEnv(process.env, request.env, this.passEnv);
    const argv = this.wrap ? this.wrap({ command, cwd, env }) : { file: '/bin/sh', args: ['-c', command] };
    const subprocess = execa(argv.file, argv.args, {
      cwd,
      env,
      extendEnv: false,
      stdin: 'ignore',
      detached: true,
      reject: false,
      buffer: false,
      encoding: 'buffer',
    });
    const pid = subprocess.pid;
    if (pid !== undefined) liveGroups.add(pid);
    const collect = (own: CappedOutput) => (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      own.push(bytes);
      output.push(bytes);
    };
    subprocess.stdout?.on('data', collect(stdout));
    subprocess.stderr?.on('data', collect(stderr));

    const groupAlive = () => pid !== undefined && signalGroup(pid, 0);
    let stopReason: 'timeout' | 'cancel' | undefined;
    let forceTimer: NodeJS.Timeout | undefined;
    let forced = false;
    const stopGroup = () => {
      if (forceTimer || pid === undefined) return;
      signalGroup(pid, 'SIGTERM');
      forceTimer = setTimeout(() => {
        signalGroup(pid, 'SIGKILL');
        // A process that left the group can still hold our pipes; without this the run would never settle.
        subprocess.stdout?.destroy();
        subprocess.stderr?.destroy();
        forced = true;
      }, this.killGraceMs);
    };
    let exited = false;
    const stop = (reason: 'timeout' | 'cancel') => {
      if (exited) return;
      stopReason ??= reason;
      stopGroup();
    };

    const timeoutTimer = timeoutMs <= MAX_TIMER_MS ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
    const onAbort = () => stop('cancel');
    signal?.addEventListener('abort', onAbort, { once: true });
    // The run ends with the shell; background leftovers would otherwise keep the pipes (and the CPU) busy.
    subprocess.once('exit', () => {
      exited = true;
      clearTimeout(timeoutTimer);
      if (groupAlive()) stopGroup();
    });

    try {
      const result = await subprocess;
      if (pid === undefined) throw new Error(`could not start ${argv.file}: ${result.shortMessage}`);
      // Leftovers may outlive the pipes (e.g. they closed stdout); the run is not over until they are gone.
      while (forceTimer && !forced && groupAlive()) await delay(GROUP_POLL_MS);
      return finish({
        exitCode: result.exitCode ?? null,
        ...(result.signal ? { signal: result.signal } : {}),
        timedOut: stopReason === 'timeout',
        cancelled: stopReason === 'cancel',
      });
    } finally {
      clearTimeout(timeoutTimer);
      clearTimeout(forceTimer);
      signal?.removeEventListener('abort', onAbort);
      if (pid !== undefined) liveGroups.delete(pid);
    }
  }
}

/**
 * Detached groups do not die with us, so a host that exits mid-run (process.exit, an uncaught error) takes
 * them down here. A signal that kills Node outright skips 'exit' handlers; hosts should abort runs on SIGINT.
 */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) signalGroup(pid, 'SIGKILL');
});

/** Returns false when no process of the group is left. */
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function assertDirectory(cwd: string): Promise<void> {
  const info = await stat(cwd).catch(() => undefined);
  if (!info) throw new Error(`test folder not found: ${cwd}`);
  if (!info.isDirectory()) throw new Error(`test folder is not a folder: ${cwd}`);
}
