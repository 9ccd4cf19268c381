import { spawn } from 'node:child_process';

/**
 * Kills a run when its host dies without cleaning up (SIGKILL, a crash). The host holds the write end of
 * the watchdog's stdin; a host that ends the run writes "done", a host that dies closes the pipe, and only
 * then does the watchdog kill: the process group, every process in the run's cgroup, and every process
 * whose environment carries the run's marker (via /proc; without /proc only the group). It sits in its own
 * process group and ignores the terminal's signals, so the Ctrl-C that kills the host cannot kill it first.
 * It is started before the command, so that no moment exists in which the run is going and unwatched; the
 * group it learns afterwards, from a "pgid <n>" line.
 */
const SCRIPT = `
trap '' INT TERM HUP QUIT
marker=$1 cgroup=$2 pgid=
while IFS= read -r line; do
  case $line in
    done) exit 0 ;;
    'pgid '*) pgid=\${line#pgid } ;;
  esac
done
if [ -n "$pgid" ]; then kill -KILL -"$pgid" 2>/dev/null; fi
for round in 1 2 3 4 5 6 7 8 9 10; do
  pids=
  if [ -n "$cgroup" ]; then pids=$(find "$cgroup" -name cgroup.procs -exec cat {} + 2>/dev/null); fi
  if [ -d /proc/self ]; then
    pids="$pids $(grep -lzsx -- "$marker=1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3)"
  fi
  [ -z "$(echo $pids)" ] && break
  kill -KILL $pids 2>/dev/null
  sleep 0.1
done
# Killed processes leave the cgroup a moment after the kill; until then it cannot be removed.
for round in 1 2 3 4 5 6 7 8 9 10; do
  [ -z "$cgroup" ] || [ ! -d "$cgroup" ] && break
  find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null
  sleep 0.2
done
`;

export interface Watchdog {
  /** Tells the watchdog the run's process group, once the command has started. */
  watchGroup(pgid: number): void;
  /** The run ended normally: the watchdog leaves without killing anything. */
  release(): void;
}

export function startWatchdog(marker: string, cgroupDir: string | undefined): Watchdog {
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'self-repair-watchdog', marker, cgroupDir ?? ''], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.on('error', () => {});
  child.stdin.on('error', () => {});
  // Neither the watchdog nor its pipe may keep the host alive.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  let released = false;
  return {
    watchGroup: (pgid) => {
      if (!released) child.stdin.write(`pgid ${pgid}\n`);
    },
    release: () => {
      if (released) return;
      released = true;
      child.stdin.end('done\n');
    },
  };
}
