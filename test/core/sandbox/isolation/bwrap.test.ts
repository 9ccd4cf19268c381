import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bwrapArgs,
  DEFAULT_SANDBOX_LIMITS,
  describeRefusal,
  probeBwrap,
  type BwrapProfile,
} from '../../../../src/core/sandbox/isolation';

/** The value that follows each occurrence of `flag` (pairs such as `--tmpfs X`). */
function valuesAfter(args: string[], flag: string, count = 1): string[][] {
  const found: string[][] = [];
  args.forEach((arg, i) => {
    if (arg === flag) found.push(args.slice(i + 1, i + 1 + count));
  });
  return found;
}

describe('bubblewrap profile', () => {
  let home: string;
  let profile: BwrapProfile;
  const request = { command: `node --test 'a b' "$(touch /x)"`, cwd: '/tmp/self-repair-abc' };

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'bwrap-home-'));
    await mkdir(path.join(home, '.ssh'));
    await mkdir(path.join(home, '.config', 'gcloud'), { recursive: true });
    await writeFile(path.join(home, '.npmrc'), '//registry/:_authToken=secret\n');
    await writeFile(path.join(home, '.git-credentials'), 'https://u:p@host\n');
    profile = {
      bwrap: '/usr/bin/bwrap',
      network: false,
      projectRoot: '/home/u/project',
      writable: [],
      home,
      limits: DEFAULT_SANDBOX_LIMITS,
    };
  });
  after(() => rm(home, { recursive: true, force: true }));

  it('mounts the filesystem read-only first, then a private /tmp, and the copy writable last', () => {
    const args = bwrapArgs(profile, request);
    assert.deepEqual(args.slice(0, 9), ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp']);
    const copyAt = args.indexOf('--bind');
    assert.deepEqual(args.slice(copyAt, copyAt + 3), ['--bind', request.cwd, request.cwd]);
    const projectAt = args.findIndex((arg, i) => arg === '--ro-bind' && args[i + 1] === profile.projectRoot);
    assert.ok(projectAt > 0 && projectAt < copyAt, 'the project is read-only, and mounted before the copy');
    assert.deepEqual(valuesAfter(args, '--chdir'), [[request.cwd]]);
  });

  it('covers the secrets that exist: folders with an empty tmpfs, files with /dev/null', () => {
    const args = bwrapArgs(profile, request);
    const tmpfs = valuesAfter(args, '--tmpfs').map(([dir]) => dir);
    assert.ok(tmpfs.includes(path.join(home, '.ssh')));
    assert.ok(tmpfs.includes(path.join(home, '.config', 'gcloud')));
    assert.ok(!tmpfs.includes(path.join(home, '.aws')), 'a missing folder needs no cover');
    const nulled = valuesAfter(args, '--ro-bind', 2)
      .filter(([src]) => src === '/dev/null')
      .map(([, dest]) => dest);
    assert.deepEqual(nulled.sort(), [path.join(home, '.git-credentials'), path.join(home, '.npmrc')].sort());
  });

  it('takes every namespace, the network too unless allowed, and dies with its parent in a new session', () => {
    const closed = bwrapArgs(profile, request);
    for (const flag of ['--unshare-all', '--die-with-parent', '--new-session']) assert.ok(closed.includes(flag), flag);
    assert.ok(!closed.includes('--share-net'));
    assert.ok(bwrapArgs({ ...profile, network: true }, request).includes('--share-net'));
  });

  it('passes the command as a positional parameter of a fixed limits script, never inside it', () => {
    const args = bwrapArgs(profile, request);
    const tail = args.slice(args.indexOf('--') + 1);
    assert.deepEqual(tail.slice(0, 2), ['/bin/sh', '-c']);
    assert.ok(!tail[2]!.includes('node --test'));
    assert.match(tail[2]!, /ulimit -d 2097152\b/);
    assert.deepEqual(tail.slice(3), ['self-repair', request.command]);
  });

  it('mounts the folders the run must write outside its copy (a reporter\u2019s) back in, writable', () => {
    const report = path.join(os.tmpdir(), 'self-repair-123.456-report-Xy12');
    const args = bwrapArgs(profile, { ...request, writable: [report] });
    assert.deepEqual(valuesAfter(args, '--bind-try', 2), [[report, report]]);
    assert.ok(args.indexOf('--bind-try') > args.indexOf('--tmpfs'), 'mounted after the private /tmp, so it is seen');
  });

  it('names the cause when user namespaces are refused', () => {
    for (const said of [
      'bwrap: setting up uid map: Permission denied',
      'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.',
      'bwrap: Creating new namespace failed: nesting depth or /proc/sys/user/max_*_namespaces exceeded (ENOSPC)',
      'bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted',
    ]) {
      const reason = describeRefusal(`${said}\n`);
      assert.match(reason, /cannot create user namespaces here/);
      assert.match(reason, /AppArmor/);
      assert.ok(!reason.includes('\n'));
    }
    assert.match(
      describeRefusal('bwrap: Unknown option --foo\n'),
      /^bubblewrap does not work here \(Unknown option --foo\)$/,
    );
    assert.match(describeRefusal("bwrap: Can't mkdir /x: Permission denied\n"), /^bubblewrap does not work here/);
  });

  it('reports a bubblewrap that is not there, without trying to run it', async () => {
    const found = await probeBwrap('/nonexistent/bwrap');
    assert.deepEqual(found, { available: false, reason: 'bubblewrap not found at /nonexistent/bwrap' });
  });
});
