/** What the engine needs to run a command away from the user's files. */

import type { RunLimit } from './limits';

export interface RunRequest {
  /** Shell command line, run with /bin/sh -c in `cwd`. */
  command: string;
  cwd: string;
  /** Added to the allow-listed environment (see env.ts); the engine's own variables, not the user's. */
  env?: Record<string, string>;
  /** Folders outside `cwd` the command must be able to write (e.g. where a reporter writes its report). */
  writable?: string[];
  /** Whole process tree is killed after this many ms. */
  timeoutMs: number;
  /** Combined output beyond this many bytes is dropped (a marker notes the cut). */
  maxOutputBytes?: number;
  /** Per-process data limit (heap and anonymous memory); default 2 GiB. */
  maxMemoryBytes?: number;
  /** Processes (with a cgroup: tasks, threads included) the run may have at once; default 1024. */
  maxProcesses?: number;
  signal?: AbortSignal;
  /** Called with each piece of output as it arrives (stdout and stderr alike), e.g. to show progress. */
  onOutput?: (chunk: Buffer) => void;
}

export interface RunResult {
  exitCode: number | null;
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  /** Interleaved stdout+stderr as received, capped. */
  output: string;
  stdout: string;
  stderr: string;
  truncated: boolean;
  durationMs: number;
  /** Set when a limit ended or failed the run: the deadline, the process count, or memory. */
  limit?: RunLimit;
  /** One line saying which limit and its value, e.g. "started too many processes (limit 1024); …". */
  limitMessage?: string;
}

/**
 * Runs a command under some isolation. The plain process-group runner is the first; bubblewrap and
 * sandbox-exec runners will implement the same interface.
 */
export interface CommandRunner {
  readonly name: string;
  run(request: RunRequest): Promise<RunResult>;
}

/** How a sandbox gives its candidate a writable project without touching the user's files. */
export type SandboxKind = 'overlay' | 'reflink' | 'copy';

/**
 * A private, writable view of the project in which one test run or candidate happens. Read and write it
 * through these methods: an overlay's `root` shows the project only to commands run in it (by the
 * ProcessRunner), not to the host.
 */
export interface Sandbox {
  /** Absolute path of the view's root: the cwd for commands run in it. */
  readonly root: string;
  readonly kind: SandboxKind;
  /** Why a cheaper kind was not used (e.g. user namespaces refused), for the host's log. */
  readonly fallback?: string;
  writeFile(relPath: string, content: string): Promise<void>;
  readFile(relPath: string): Promise<string>;
  /** Project-relative POSIX paths of the view's files, sorted, without caches and dependency folders. */
  listFiles(options?: { maxFiles?: number }): Promise<string[]>;
  dispose(): Promise<void>;
}
