import { existsSync } from 'node:fs';
import type { Wrap } from '../wrap';
import type { Availability } from './bwrap';
import { limitedShell, type SandboxLimits } from './limits';
import { existingSecrets } from './secrets';

export const SANDBOX_EXEC = '/usr/bin/sandbox-exec';

export interface SeatbeltProfile {
  network: boolean;
  projectRoot: string;
  writable: string[];
  home: string;
  limits: SandboxLimits;
  /** Defaults to the system's temp folder: macOS tools write there (the copy usually lies in it too). */
  tmpDir: string;
}

/**
 * A deny-by-default policy. Every path is a `-D NAME=path` parameter that the policy names with
 * `(param "NAME")`: a path with quotes or parentheses in it can never change the policy's text.
 */
export function seatbeltPolicy(params: Record<string, string>, network: boolean): string {
  const writable = Object.keys(params).filter((name) => name.startsWith('WRITABLE_'));
  const secrets = Object.keys(params).filter((name) => name.startsWith('SECRET_'));
  const lines = [
    '(version 1)',
    '(deny default)',
    '(allow process-exec process-fork)',
    '(allow signal (target same-sandbox))',
    '(allow process-info* (target same-sandbox))',
    '(allow file-read*)',
    '(allow sysctl-read)',
    '(allow mach-lookup)',
    '(allow ipc-posix-shm)',
    '(allow pseudo-tty)',
    '(allow file-write-data file-ioctl (literal "/dev/null") (literal "/dev/zero") (literal "/dev/tty"))',
    `(allow file-write* ${writable.map((name) => `(subpath (param "${name}"))`).join(' ')})`,
    ...secrets.map((name) => `(deny file-read* file-write* (subpath (param "${name}")))`),
    ...(network ? ['(allow network*)'] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** `sandbox-exec` argv for one command: the policy text, then the paths as parameters. */
export function seatbeltArgs(profile: SeatbeltProfile, request: { command: string; cwd: string }): string[] {
  const params: Record<string, string> = {};
  [request.cwd, profile.tmpDir, ...profile.writable].forEach((dir, i) => (params[`WRITABLE_${i}`] = dir));
  existingSecrets(profile.home).forEach((secret, i) => (params[`SECRET_${i}`] = secret.path));
  const defines = Object.entries(params).flatMap(([name, value]) => ['-D', `${name}=${value}`]);
  return ['-p', seatbeltPolicy(params, profile.network), ...defines, ...limitedShell(request.command, profile.limits)];
}

export function seatbeltWrap(profile: SeatbeltProfile): Wrap {
  return (request) => ({ file: SANDBOX_EXEC, args: seatbeltArgs(profile, request) });
}

/** sandbox-exec ships with macOS only. */
export function detectSeatbelt(platform: NodeJS.Platform = process.platform): Availability {
  if (platform !== 'darwin') return { available: false, reason: `sandbox-exec is macOS only (this is ${platform})` };
  if (!existsSync(SANDBOX_EXEC)) return { available: false, reason: `${SANDBOX_EXEC} not found` };
  return { available: true, path: SANDBOX_EXEC };
}
