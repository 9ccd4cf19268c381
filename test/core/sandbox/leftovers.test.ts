import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyPrefix, createSandbox, removeLeftoverCopies, removeOwnCopiesSync } from '../../../src/core/sandbox';
import { ownerTag } from '../../../src/core/sandbox/leftovers';

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('copies left by a dead host', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'leftovers-test-'));
  });
  afterEach(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  async function fakeCopy(name: string): Promise<void> {
    await mkdir(path.join(tmp, name, 'src'), { recursive: true });
    await writeFile(path.join(tmp, name, 'src', 'a.py'), 'x = 1\n');
  }

  it('names each copy after its owner: pid and start time', async () => {
    const project = await mkdtemp(path.join(os.tmpdir(), 'leftovers-project-'));
    try {
      await writeFile(path.join(project, 'a.py'), 'x = 1\n');
      const sandbox = await createSandbox(project, { tmpDir: tmp });
      // A copy is its own folder; an overlay's view lies in the folder that holds its layers.
      const made = (await readdir(tmp)).filter((name) => name.startsWith('self-repair-'));
      assert.equal(made.length, 1, made.join(', '));
      assert.ok(made[0]!.startsWith(`self-repair-${ownerTag()}-`), made[0]);
      assert.ok(sandbox.root.startsWith(path.join(tmp, made[0]!)), sandbox.root);
      assert.match(ownerTag(), new RegExp(`^${process.pid}\\.\\d+$`));
      await sandbox.dispose();
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  });

  it("removes the copies of dead owners only: not this process's, not a live process's, not unmarked ones", async () => {
    const [pid, start] = ownerTag().split('.');
    const dead = `self-repair-${deadPid()}.${start}-abc123`;
    const recycled = `self-repair-${pid}.${Number(start) + 1}-def456`; // our pid, another start time: an earlier owner
    const own = `${copyPrefix()}ghi789`;
    const liveParent = `self-repair-${process.ppid}.0-jkl012`;
    const unmarked = 'self-repair-mno345';
    for (const name of [dead, recycled, own, liveParent, unmarked]) await fakeCopy(name);
    const removed = await removeLeftoverCopies(tmp);
    assert.deepEqual(removed.map((p) => path.basename(p)).sort(), [dead, recycled].sort());
    assert.deepEqual((await readdir(tmp)).sort(), [liveParent, own, unmarked].sort());
  });

  it("removeOwnCopiesSync removes this process's copies at once and nothing else", async () => {
    const own = `${copyPrefix()}pqr678`;
    const other = `self-repair-${deadPid()}.1-stu901`;
    await fakeCopy(own);
    await fakeCopy(other);
    removeOwnCopiesSync(tmp);
    assert.deepEqual(await readdir(tmp), [other]);
  });
});
