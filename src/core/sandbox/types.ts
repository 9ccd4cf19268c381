/** What the engine needs to run a command away from the user's files. */

export interface RunRequest {
  /** Shell command line, run with /bin/sh -c in `cwd`. */
  command: string;
  cwd: string;
  /** Added to the allow-listed environment (see env.ts); the engine's own variables, not the user's. */
  env?: Record<string, string>;
  /** Whole process tree is killed after this many ms. */
  timeoutMs: number;
  /** Combined output beyond this many bytes is dropped (a marker notes the cut). */
  maxOutputBytes?: number;
  signal?: AbortSignal;
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
}

/**
 * Runs a command under some isolation. The plain process-group runner is the first; bubblewrap and
 * sandbox-exec runners will implement the same interface.
 */
export interface CommandRunner {
  readonly name: string;
  run(request: RunRequest): Promise<RunResult>;
}

/** A private copy of the project in which one test run or candidate happens. */
export interface Sandbox {
  /** Absolute path of the copy's root. */
  readonly root: string;
  writeFile(relPath: string, content: string): Promise<void>;
  readFile(relPath: string): Promise<string>;
  dispose(): Promise<void>;
}
