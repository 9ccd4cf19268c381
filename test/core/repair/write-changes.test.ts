import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StaleFileError, writeChanges } from '../../../src/core/repair';
import { copyProject, hashTree } from '../../support/projects';

describe('writeChanges (applying a verified patch to the user folder)', () => {
  let project: Awaited<ReturnType<typeof copyProject>>;
  let core: string;
  let original: string;
  beforeEach(async () => {
    project = await copyProject('python-buggy');
    core = path.join(project.root, 'stats', 'core.py');
    original = await readFile(core, 'utf8');
  });
  afterEach(() => project.remove());

  const fixed = (): string => original.replace('(len(xs) - 1)', 'len(xs)');

  it('writes the new content and creates new files', async () => {
    await writeChanges(project.root, [
      { path: 'stats/core.py', before: original, after: fixed() },
      { path: 'stats/extra.py', before: '', after: 'X = 1\n', created: true },
    ]);
    assert.equal(await readFile(core, 'utf8'), fixed());
    assert.equal(await readFile(path.join(project.root, 'stats', 'extra.py'), 'utf8'), 'X = 1\n');
  });

  it('keeps the file mode', async () => {
    await chmod(core, 0o755);
    await writeChanges(project.root, [{ path: 'stats/core.py', before: original, after: fixed() }]);
    assert.equal((await stat(core)).mode & 0o777, 0o755);
  });

  it('writes nothing at all when any file changed since the repair started', async () => {
    const init = path.join(project.root, 'stats', '__init__.py');
    const initText = await readFile(init, 'utf8');
    await writeFile(core, `${original}# the user kept typing\n`);
    const before = await hashTree(project.root);
    await assert.rejects(
      writeChanges(project.root, [
        { path: 'stats/__init__.py', before: initText, after: `${initText}# patched\n` },
        { path: 'stats/core.py', before: original, after: fixed() },
      ]),
      (error: unknown) =>
        error instanceof StaleFileError &&
        /stats\/core\.py changed since the repair started; nothing was written/.test(error.message),
    );
    assert.deepEqual(await hashTree(project.root), before);
  });
});
