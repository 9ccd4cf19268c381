/**
 * Resource limits for one test run. Memory is a per-process rlimit set in the shell that starts the
 * command (inherited by everything it starts); the number of processes is held by a pids cgroup when the
 * system lets us create one, and otherwise by counting the run's processes and ending the run past the limit.
 */

/** Per process: enough for real test suites, small enough that a runaway allocation fails long before the machine does. */
export const DEFAULT_MAX_MEMORY_BYTES = 2 * 1024 ** 3;
/** Tasks (processes and threads) in the cgroup, or processes when counted; test runners with workers stay far below. */
export const DEFAULT_MAX_PROCESSES = 1024;

/** Why a run was ended or failed, when it was one of its limits. */
export type RunLimit = 'memory' | 'processes' | 'time';

export interface Argv {
  file: string;
  args: string[];
}

/**
 * Wraps `inner` in a shell that lowers the data-segment limit (RLIMIT_DATA counts heap and anonymous
 * mappings but not the address space that V8 and WebAssembly only reserve, which RLIMIT_AS would), joins
 * the cgroup when there is one, and then execs the command, so that pid, exit status and signal stay the
 * command's own. An existing lower limit is kept: `ulimit` only fails when asked to raise it.
 */
export function limitedArgv(inner: Argv, maxMemoryBytes: number, cgroupProcsFile?: string): Argv {
  const kib = Math.max(1, Math.floor(maxMemoryBytes / 1024));
  const script = [
    `ulimit -d ${kib} 2>/dev/null`,
    // A run that cannot join its cgroup would run without its process limit; refuse instead.
    'if [ -n "$1" ]; then echo $$ > "$1" || exit 125; fi',
    'shift',
    'exec "$@"',
  ].join('\n');
  return {
    file: '/bin/sh',
    args: ['-c', script, 'self-repair-limits', cgroupProcsFile ?? '', inner.file, ...inner.args],
  };
}

const MEMORY_FAILURES = [
  /\bMemoryError\b/,
  /JavaScript heap out of memory/,
  /Array buffer allocation failed/,
  /Cannot allocate memory/,
  /std::bad_alloc/,
  /\bout of memory\b/i,
];

/**
 * An rlimit makes the allocation fail inside the program rather than telling us, so a failed run whose
 * output shows an allocation failure is taken to have hit the memory limit.
 */
export function looksOutOfMemory(output: string): boolean {
  return MEMORY_FAILURES.some((pattern) => pattern.test(output));
}

export function describeLimit(
  limit: RunLimit,
  values: { maxMemoryBytes: number; maxProcesses: number; timeoutMs: number },
): string {
  switch (limit) {
    case 'memory':
      return `ran out of memory (limit ${formatBytes(values.maxMemoryBytes)} per process)`;
    case 'processes':
      return `started too many processes (limit ${values.maxProcesses}); the run was killed`;
    case 'time':
      return `did not finish within ${Math.round(values.timeoutMs / 100) / 10} s`;
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${Math.round((bytes / 1024 ** 3) * 10) / 10} GiB`;
  return `${Math.round((bytes / 1024 ** 2) * 10) / 10} MiB`;
}
