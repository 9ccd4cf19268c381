import { DEFAULT_MAX_MEMORY_BYTES, DEFAULT_MAX_PROCESSES } from '../limits';

/** Per-process limits applied inside an OS sandbox, so one runaway test cannot take the machine. */
export interface SandboxLimits {
  /** Data segment (heap and private mappings) of each process, in MiB. */
  memoryMB: number;
  /** Processes of the user; the kernel does not apply this to root, whom the PID namespace still bounds. */
  processes: number;
}

/** The same numbers as every run's own limits (see ../limits.ts), applied again inside the sandbox. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  memoryMB: DEFAULT_MAX_MEMORY_BYTES / 1024 ** 2,
  processes: DEFAULT_MAX_PROCESSES,
};

/**
 * `/bin/sh -c` argv that sets the limits and then runs `command`. The command travels as a positional
 * parameter, so it is never spliced into the script. `ulimit -u` is bash's name, `-p` dash's.
 */
export function limitedShell(command: string, limits: SandboxLimits): string[] {
  const kib = Math.round(limits.memoryMB * 1024);
  const procs = Math.round(limits.processes);
  const script = `ulimit -d ${kib} 2>/dev/null; ulimit -u ${procs} 2>/dev/null || ulimit -p ${procs} 2>/dev/null; exec /bin/sh -c "$1"`;
  return ['/bin/sh', '-c', script, 'self-repair', command];
}
