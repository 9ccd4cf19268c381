import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Wrap } from '../wrap';
import { limitedShell, type SandboxLimits } from './limits';
import { existingSecrets } from './secrets';

export interface BwrapProfile {
  /** The bubblewrap executable. */
  bwrap: string;
  network: boolean;
  /** The user's project: stays readable (the copy links its dependency folders there), never writable. */
  projectRoot: string;
  /** Writable besides the command's folder (the candidate's copy) and the private /tmp. */
  writable: string[];
  home: string;
  limits: SandboxLimits;
}

/**
 * Sockets of host services: a read-only mount does not stop a connect() to a Unix socket, so they are
 * covered like secrets (the container daemons would otherwise be a way out).
 */
const HOST_SOCKETS = ['/run/user', '/run/docker.sock', '/var/run/docker.sock', '/run/podman', '/run/containerd'];

/** The namespaces and lifetime flags, shared by the probe and every run. */
function isolationFlags(network: boolean): string[] {
  // --unshare-all takes user, pid, ipc, uts, cgroup and net namespaces; --share-net gives the net one back.
  return ['--unshare-all', ...(network ? ['--share-net'] : []), '--die-with-parent', '--new-session'];
}

function coverArgs(target: string, kind: 'dir' | 'file'): string[] {
  return kind === 'dir' ? ['--tmpfs', target] : ['--ro-bind', '/dev/null', target];
}

/**
 * bubblewrap's argv for one command: the whole filesystem read-only, a fresh /dev, /proc of its own PID
 * namespace (the host's processes, and so their environment and arguments, are out of sight), a private
 * /tmp, the secrets covered, and only `cwd` and `writable` writable. Order matters: later mounts win.
 */
export function bwrapArgs(
  profile: BwrapProfile,
  request: { command: string; cwd: string; env?: Record<string, string>; writable?: string[] },
): string[] {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
  for (const secret of existingSecrets(profile.home)) args.push(...coverArgs(secret.path, secret.kind));
  for (const socket of HOST_SOCKETS) {
    const kind = socketKind(socket);
    if (kind) args.push(...coverArgs(socket, kind));
  }
  // The project may itself lie under /tmp, which the private /tmp hides; the copy's links lead into it.
  args.push('--ro-bind', profile.projectRoot, profile.projectRoot);
  args.push('--bind', request.cwd, request.cwd);
  // What the request must write outside its copy (e.g. a reporter's folder) lies in the host's temp folder,
  // which the private /tmp hides, so each is mounted back, writable.
  for (const dir of [...profile.writable, ...(request.writable ?? [])]) args.push('--bind-try', dir, dir);
  args.push(...isolationFlags(profile.network));
  args.push('--setenv', 'TMPDIR', '/tmp', '--chdir', request.cwd, '--');
  return [...args, ...limitedShell(request.command, profile.limits)];
}

function socketKind(target: string): 'dir' | 'file' | undefined {
  if (!existsSync(target)) return undefined;
  return target.endsWith('.sock') ? 'file' : 'dir';
}

export function bwrapWrap(profile: BwrapProfile): Wrap {
  return (request) => ({ file: profile.bwrap, args: bwrapArgs(profile, request) });
}

export type Availability = { available: true; path: string } | { available: false; reason: string };

const probes = new Map<string, Promise<Availability>>();

/** Whether bubblewrap can make its namespaces here; asked once per process and executable. */
export function probeBwrap(bwrap = findOnPath('bwrap')): Promise<Availability> {
  if (!bwrap)
    return Promise.resolve({
      available: false,
      reason: 'bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)',
    });
  let probe = probes.get(bwrap);
  if (!probe) {
    probe = runProbe(bwrap);
    probes.set(bwrap, probe);
  }
  return probe;
}

function runProbe(bwrap: string): Promise<Availability> {
  const args = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', ...isolationFlags(false), '--', 'true'];
  return new Promise((resolve) => {
    execFile(bwrap, args, { timeout: 10_000 }, (error, _stdout, stderr) => {
      if (!error) return resolve({ available: true, path: bwrap });
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return resolve({ available: false, reason: `bubblewrap not found at ${bwrap}` });
      resolve({ available: false, reason: describeRefusal(String(stderr)) });
    });
  });
}

/** bubblewrap's complaint in one line, with the usual cause named when it is the known one. */
export function describeRefusal(stderr: string): string {
  const said =
    stderr
      .trim()
      .split('\n')
      .pop()
      ?.replace(/^bwrap:\s*/, '') || 'it exited with an error';
  // Ubuntu 24.04's AppArmor either refuses the uid map or lets the namespace be made without capabilities,
  // which bubblewrap first notices when it sets up the loopback device.
  const refused = /uid map|gid map|new namespace|user namespace|loopback: Failed RTM_NEWADDR/i.test(said);
  return refused
    ? `bubblewrap cannot create user namespaces here (${said}); on Ubuntu 24.04 AppArmor refuses them unless a profile allows bwrap`
    : `bubblewrap does not work here (${said})`;
}

export function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export const defaultHome = (): string => os.homedir();
