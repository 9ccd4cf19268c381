import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DEFAULT_SANDBOX_LIMITS,
  detectSeatbelt,
  seatbeltArgs,
  type SeatbeltProfile,
} from '../../../../src/core/sandbox/isolation';

describe('sandbox-exec (Seatbelt) profile', () => {
  let home: string;
  let profile: SeatbeltProfile;
  // Paths a policy could be broken by, were they spliced into its text.
  const cwd = '/private/tmp/self-repair-") (allow file-write* (subpath "/';
  const projectRoot = '/Users/u/my "project"';

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'seatbelt-home-'));
    await mkdir(path.join(home, '.ssh'));
    await mkdir(path.join(home, '.aws'));
    profile = {
      network: false,
      projectRoot,
      writable: ['/Users/u/cache (x)'],
      home,
      limits: DEFAULT_SANDBOX_LIMITS,
      tmpDir: '/private/var/folders/xy/T',
    };
  });
  after(() => rm(home, { recursive: true, force: true }));

  it('denies by default and names every path only as a -D parameter', () => {
    const args = seatbeltArgs(profile, { command: 'npm test', cwd });
    assert.equal(args[0], '-p');
    const policy = args[1]!;
    assert.match(policy, /^\(version 1\)\n\(deny default\)\n/);
    for (const p of [cwd, projectRoot, home, profile.tmpDir, ...profile.writable])
      assert.ok(!policy.includes(p), `policy text holds ${p}`);
    assert.ok(!policy.replace(/"\/dev\/[a-z]+"/g, '').includes('"/'), 'no literal path other than the /dev ones');
    const defines = new Map<string, string>();
    args.forEach((arg, i) => {
      if (arg === '-D') {
        const [name, ...value] = args[i + 1]!.split('=');
        defines.set(name!, value.join('='));
      }
    });
    assert.deepEqual(
      [defines.get('WRITABLE_0'), defines.get('WRITABLE_1'), defines.get('WRITABLE_2')],
      [cwd, profile.tmpDir, '/Users/u/cache (x)'],
    );
    assert.deepEqual(
      [...defines.entries()]
        .filter(([n]) => n.startsWith('SECRET_'))
        .map(([, v]) => v)
        .sort(),
      [path.join(home, '.aws'), path.join(home, '.ssh')],
    );
    for (const name of defines.keys()) assert.ok(policy.includes(`(param "${name}")`), `${name} is used by the policy`);
  });

  it('writes only to the copy, the temp folder and the extra folders; reads of secrets are denied', () => {
    const policy = seatbeltArgs(profile, { command: 'npm test', cwd })[1]!;
    assert.match(
      policy,
      /\(allow file-write\* \(subpath \(param "WRITABLE_0"\)\) \(subpath \(param "WRITABLE_1"\)\) \(subpath \(param "WRITABLE_2"\)\)\)/,
    );
    assert.match(policy, /\(deny file-read\* file-write\* \(subpath \(param "SECRET_0"\)\)\)/);
  });

  it('allows the network only when asked', () => {
    assert.ok(!seatbeltArgs(profile, { command: 'x', cwd })[1]!.includes('network'));
    assert.match(seatbeltArgs({ ...profile, network: true }, { command: 'x', cwd })[1]!, /\(allow network\*\)/);
  });

  it('runs the command as a positional parameter after the limits', () => {
    const args = seatbeltArgs(profile, { command: 'npm test; echo "$HOME"', cwd });
    assert.deepEqual(args.slice(-5, -3), ['/bin/sh', '-c']);
    assert.deepEqual(args.slice(-2), ['self-repair', 'npm test; echo "$HOME"']);
  });

  it('is unavailable off macOS, and says so', () => {
    assert.deepEqual(detectSeatbelt('linux'), {
      available: false,
      reason: 'sandbox-exec is macOS only (this is linux)',
    });
    assert.equal(detectSeatbelt('win32').available, false);
  });
});
