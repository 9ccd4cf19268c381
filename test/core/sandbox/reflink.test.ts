import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cloneSandbox, createSandbox, ProcessRunner, type Sandbox } from '../../../src/core/sandbox';
import { snapshot, write } from './helpers';

/** A small btrfs on a loop device: the one way to meet reflinks on a machine whose disks lack them. */
function mountBtrfs(image: string, at: string): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a loop filesystem needs root';
  try {
    execFileSync('truncate', ['-s', '128M', image]);
    execFileSync('mkfs.btrfs', ['-q', image], { stdio: 'pipe' });
    execFileSync('mount', ['-o', 'loop', image, at], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `no btrfs loop mount here (${String((error as Error).message).split('\n')[0]})`;
  }
}

describe('sandbox workspace (reflink view)', function () {
  let scratch: string;
  let volume: string;
  let project: string;
  let tmpDir: string;
  let refusingUnshare: string;
  const sandboxes: Sandbox[] = [];
  const track = (sandbox: Sandbox) => (sandboxes.push(sandbox), sandbox);

  before(async function () {
    scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'reflink-test-')));
    volume = path.join(scratch, 'btrfs');
    await fs.mkdir(volume);
    const refused = mountBtrfs(path.join(scratch, 'btrfs.img'), volume);
    if (refused) {
      console.log(`      (skipped: ${refused}; install btrfs-progs as root to run these)`);
      this.skip();
    }
  });

  after(async () => {
    if (volume) execFileSync('sh', ['-c', `mountpoint -q ${volume} && umount ${volume} || true`]);
    await fs.rm(scratch, { recursive: true, force: true });
  });

  beforeEach(async () => {
    project = path.join(volume, 'project');
    tmpDir = path.join(volume, 'tmp');
    await write(project, {
      'calc.py': 'def add(a, b):\n    return a - b\n',
      'data/big.bin': 'x'.repeat(1 << 20),
      '.git/HEAD': 'ref\n',
    });
    refusingUnshare = path.join(scratch, 'unshare');
    await fs.writeFile(
      refusingUnshare,
      '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n',
      { mode: 0o755 },
    );
  });

  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((s) => s.dispose()));
    await fs.rm(project, { recursive: true, force: true });
    await fs.rm(tmpDir, { recursive: true, force: true });
  });

  it('clones every file (insisting on reflinks) when no overlay is allowed, and says why', async () => {
    const before = await snapshot(project);
    const sandbox = track(await createSandbox(project, { tmpDir, unshare: refusingUnshare }));
    assert.equal(sandbox.kind, 'reflink');
    assert.match(sandbox.fallback ?? '', /^no overlay: .*Operation not permitted/);
    await sandbox.writeFile('calc.py', 'def add(a, b):\n    return a + b\n');
    const result = await new ProcessRunner().run({
      command: 'cat calc.py && wc -c < data/big.bin && ls -a',
      cwd: sandbox.root,
      timeoutMs: 30_000,
    });
    assert.equal(result.stdout, 'def add(a, b):\n    return a + b\n1048576\n.\n..\ncalc.py\ndata\n');
    assert.deepEqual(await snapshot(project), before);

    const clone = track(await cloneSandbox(sandbox));
    assert.equal(clone.kind, 'reflink');
    await clone.writeFile('calc.py', 'clone\n');
    assert.equal(await sandbox.readFile('calc.py'), 'def add(a, b):\n    return a + b\n');
  });

  it('is refused in one line where the filesystem has none', async function () {
    const fsType = execFileSync('stat', ['-f', '-c', '%T', os.tmpdir()], { encoding: 'utf8' }).trim();
    if (['btrfs', 'xfs'].includes(fsType)) {
      console.log(`      (skipped: the temp folder is on ${fsType}, which has reflinks)`);
      return this.skip();
    }
    const plain = await fs.mkdtemp(path.join(os.tmpdir(), 'reflink-none-'));
    try {
      await assert.rejects(
        createSandbox(plain, { view: 'reflink' }),
        /^Error: reflink sandbox unavailable: the filesystem has no reflinks \(\w+\)$/,
      );
    } finally {
      await fs.rm(plain, { recursive: true, force: true });
    }
  });
});
