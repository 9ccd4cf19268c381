import { stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { CappedOutput } from './capped-output';
import { sandboxEnv } from './env';
import {
  type Argv,
  DEFAULT_MAX_MEMORY_BYTES,
  DEFAULT_MAX_PROCESSES,
  describeLimit,
  limitedArgv,
  looksOutOfMemory,
  type RunLimit,
} from './limits';
import { RunTracking } from './run-tracking';
import type { CommandRunner, RunRequest, RunResult } from './types';
import { launchFor } from './overlay';
import type { Wrap } from './wrap';

/*
 * execa is ESM-only and is loaded with import() on purpose: the package is CommonJS, and under tsx (tests)
 * a static import is turned into require(), whose resolution fails inside execa's dependencies
 * (privatenumber/tsx#673). A bundler inlines the dynamic import just the same.
 */

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 1500;
/** setTimeout fires at once for larger delays, so treat them as "no timeout". */
const MAX_TIMER_MS = 2 ** 31 - 1;
const SETTLE_POLL_MS = 50;
/** Reading one cgroup file is cheap; counting by /proc reads every process's environment, so less often. */
const CGROUP_POLL_MS = 250;
const COUNT_POLL_MS = 1000;

export interface ProcessRunnerOptions {
  /** Time between SIGTERM and SIGKILL for the run's processes. */
  killGraceMs?: number;
  /** Builds the command's argv (e.g. under an OS sandbox) instead of `/bin/sh -c command`. */
  wrap?: Wrap;
  /** Use a pids cgroup per run where one can be made (default true); false forces the counting fallback. */
  useCgroup?: boolean;
  /** Variables of this process the user chose to give the tests, beyond the allow-list (`--env NAME`). */
  passEnv?: readonly string[];
}

type StopReason = 'timeout' | 'cancel' | 'processes';
type Subprocess = ReturnType<typeof startSubprocess>;

/**
 * Runs commands in their own process group, tracked beyond it (see RunTracking), under memory and process
 * limits. Test suites spawn workers, servers and browsers; killing only the shell would leave those running
 * and holding our pipes, so every stop (timeout, cancel, a limit, or the command exiting with leftovers)
 * applies to all of the run's processes.
 */
export class ProcessRunner implements CommandRunner {
  readonly name = 'process';
  private readonly killGraceMs: number;
  private readonly wrap: Wrap | undefined;
  private readonly useCgroup: boolean;
  private readonly passEnv: readonly string[];

  constructor(options: ProcessRunnerOptions = {}) {
    this.killGraceMs = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.wrap = options.wrap;
    this.useCgroup = options.useCgroup ?? true;
    this.passEnv = options.passEnv ?? [];
  }

  async run(request: RunRequest): Promise<RunResult> {
    if (!(request.timeoutMs > 0)) throw new Error(`timeoutMs must be a positive number, got ${request.timeoutMs}`);
    await assertDirectory(request.cwd);
    const capture = new RunCapture(request.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    if (request.signal?.aborted) return capture.finish({ exitCode: null, timedOut: false, cancelled: true });

    const maxProcesses = request.maxProcesses ?? DEFAULT_MAX_PROCESSES;
    const tracking = RunTracking.start({ maxProcesses, useCgroup: this.useCgroup });
    try {
      const env = sandboxEnv(process.env, { ...request.env, ...tracking.env }, this.passEnv);
      const argv = this.argv(request, env, tracking);
      const { execa } = await import('execa');
      const subprocess = startSubprocess(execa, argv, request.cwd, env);
      if (subprocess.pid !== undefined) tracking.attach(subprocess.pid);
      capture.listen(subprocess, request.onOutput);
      const run = new ActiveRun(subprocess, tracking, this.killGraceMs);
      const outcome = await run.settle(request, maxProcesses);
      return capture.finish(outcome, limitFields(request, outcome, capture));
    } finally {
      tracking.killAll();
      tracking.release();
    }
  }

  private argv(request: RunRequest, env: Record<string, string>, tracking: RunTracking): Argv {
    // An overlay sandbox's root is only a view inside its namespace: launchFor enters it around the wrap.
    const { command, cwd, writable } = request;
    const inner = launchFor({ command, cwd, env, ...(writable ? { writable } : {}) }, this.wrap);
    return limitedArgv(inner, request.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES, tracking.cgroup?.procsFile);
  }
}

function startSubprocess(execa: typeof import('execa').execa, argv: Argv, cwd: string, env: Record<string, string>) {
  return execa(argv.file, argv.args, {
    cwd,
    env,
    extendEnv: false,
    stdin: 'ignore',
    detached: true,
    reject: false,
    buffer: false,
    encoding: 'buffer',
  });
}

type Outcome = Pick<RunResult, 'exitCode' | 'signal' | 'timedOut' | 'cancelled'> & { stopReason?: StopReason };

/** One started command until all of its processes are gone: deadline, cancellation, limits, leftovers. */
class ActiveRun {
  private stopReason: StopReason | undefined;
  private forceTimer: NodeJS.Timeout | undefined;
  private forced = false;
  private exited = false;

  constructor(
    private readonly subprocess: Subprocess,
    private readonly tracking: RunTracking,
    private readonly killGraceMs: number,
  ) {}

  async settle(request: RunRequest, maxProcesses: number): Promise<Outcome> {
    const { timeoutMs, signal } = request;
    // The deadline holds until the pipes close too: a leftover that keeps them open must not outlast it.
    const timeoutTimer = timeoutMs <= MAX_TIMER_MS ? setTimeout(() => this.stop('timeout'), timeoutMs) : undefined;
    const limitTimer = setInterval(
      () => {
        if (this.tracking.overLimit(maxProcesses)) this.stop('processes');
      },
      this.tracking.cgroup ? CGROUP_POLL_MS : COUNT_POLL_MS,
    );
    const onAbort = () => this.stop('cancel');
    signal?.addEventListener('abort', onAbort, { once: true });
    // The run ends with the command; leftovers would otherwise keep the pipes (and the CPU) busy.
    this.subprocess.once('exit', () => {
      this.exited = true;
      if (this.tracking.alive()) this.terminate();
    });
    try {
      const result = await this.subprocess;
      if (this.subprocess.pid === undefined)
        throw new Error(`could not start the test command: ${result.shortMessage}`);
      // Leftovers may outlive the pipes (e.g. they closed stdout); the run is not over until they are gone.
      while (this.forceTimer && !this.forced && this.tracking.alive()) await delay(SETTLE_POLL_MS);
      return {
        exitCode: result.exitCode ?? null,
        ...(result.signal ? { signal: result.signal } : {}),
        timedOut: this.stopReason === 'timeout',
        cancelled: this.stopReason === 'cancel',
        ...(this.stopReason ? { stopReason: this.stopReason } : {}),
      };
    } finally {
      clearTimeout(timeoutTimer);
      clearInterval(limitTimer);
      clearTimeout(this.forceTimer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private stop(reason: StopReason): void {
    // After the command's exit only pipes still held at the deadline count: leftovers that let go of them
    // are merely being ended, as they would be after any run.
    if (this.exited && (reason !== 'timeout' || this.pipesClosed())) return;
    this.stopReason ??= reason;
    // A process limit means a runaway: no grace, every process goes now.
    if (reason === 'processes') this.forceKill();
    else this.terminate();
  }

  private pipesClosed(): boolean {
    const { stdout, stderr } = this.subprocess;
    return (!stdout || stdout.closed) && (!stderr || stderr.closed);
  }

  /** SIGTERM to every process of the run, SIGKILL to what is left after the grace period. */
  private terminate(): void {
    if (this.forceTimer || this.forced) return;
    this.tracking.signal('SIGTERM');
    this.forceTimer = setTimeout(() => this.forceKill(), this.killGraceMs);
  }

  private forceKill(): void {
    if (this.forced) return;
    this.tracking.killAll();
    // A process we cannot find can still hold our pipes; without this the run would never settle.
    this.subprocess.stdout?.destroy();
    this.subprocess.stderr?.destroy();
    this.forced = true;
  }
}

/** Combined and separate output, each capped, and the RunResult built from them. */
class RunCapture {
  private readonly started = performance.now();
  readonly output: CappedOutput;
  private readonly stdout: CappedOutput;
  private readonly stderr: CappedOutput;

  constructor(maxBytes: number) {
    this.output = new CappedOutput(maxBytes);
    this.stdout = new CappedOutput(maxBytes);
    this.stderr = new CappedOutput(maxBytes);
  }

  listen(subprocess: Subprocess, onOutput?: (chunk: Buffer) => void): void {
    const collect = (own: CappedOutput) => (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      own.push(bytes);
      this.output.push(bytes);
      onOutput?.(bytes);
    };
    subprocess.stdout?.on('data', collect(this.stdout));
    subprocess.stderr?.on('data', collect(this.stderr));
  }

  finish(outcome: Outcome, extra: Partial<RunResult> = {}): RunResult {
    const { exitCode, signal, timedOut, cancelled } = outcome;
    return {
      exitCode,
      ...(signal !== undefined ? { signal } : {}),
      timedOut,
      cancelled,
      ...extra,
      output: this.output.text(),
      stdout: this.stdout.text(),
      stderr: this.stderr.text(),
      truncated: this.output.truncated || this.stdout.truncated || this.stderr.truncated,
      durationMs: Math.round(performance.now() - this.started),
    };
  }
}

/** Which limit, if any, ended or failed the run, and a line saying so for the model and the person. */
function limitFields(
  request: RunRequest,
  outcome: Outcome,
  capture: RunCapture,
): Pick<RunResult, 'limit' | 'limitMessage'> {
  let limit: RunLimit | undefined;
  if (outcome.stopReason === 'processes') limit = 'processes';
  else if (outcome.timedOut) limit = 'time';
  else if (!outcome.cancelled && outcome.exitCode !== 0 && looksOutOfMemory(capture.output.text())) limit = 'memory';
  if (!limit) return {};
  const values = {
    maxMemoryBytes: request.maxMemoryBytes ?? DEFAULT_MAX_MEMORY_BYTES,
    maxProcesses: request.maxProcesses ?? DEFAULT_MAX_PROCESSES,
    timeoutMs: request.timeoutMs,
  };
  return { limit, limitMessage: describeLimit(limit, values) };
}

async function assertDirectory(cwd: string): Promise<void> {
  const info = await stat(cwd).catch(() => undefined);
  if (!info) throw new Error(`test folder not found: ${cwd}`);
  if (!info.isDirectory()) throw new Error(`test folder is not a folder: ${cwd}`);
}
