import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { cloneSandbox, createSandbox, listProjectFiles, type Sandbox } from '../../../src/core/sandbox';

/** Every entry under `root` (nothing skipped): file hashes, link targets, and folders. */
async function snapshot(root: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      if (entry.isSymbolicLink()) result.set(rel, `link:${await fs.readlink(full)}`);
      else if (entry.isDirectory()) {
        result.set(rel, 'dir');
        await walk(full);
      } else
        result.set(
          rel,
          `sha256:${createHash('sha256')
            .update(await fs.readFile(full))
            .digest('hex')}`,
        );
    }
  };
  await walk(root);
  return result;
}

async function write(root: string, files: Record<string, string>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await fs.writeFile(path.join(root, rel), content);
  }
}

async function isSymlink(file: string): Promise<boolean> {
  return (await fs.lstat(file)).isSymbolicLink();
}

async function missing(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => false,
    () => true,
  );
}

describe('sandbox workspace', () => {
  let scratch: string;
  let project: string;
  let outside: string;
  const sandboxes: Sandbox[] = [];
  const track = (sandbox: Sandbox) => (sandboxes.push(sandbox), sandbox);

  beforeEach(async () => {
    scratch = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'workspace-test-')));
    project = path.join(scratch, 'project');
    outside = path.join(scratch, 'shared');
    await write(project, {
      'calc.py': 'def add(a, b):\n    return a - b\n',
      'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(1, 2) == 3\n',
      'README.md': '# demo\n',
      'app/env/__init__.py': '# a source package that happens to be called env\n',
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.git/objects/ab/cdef': 'blob',
      '__pycache__/calc.cpython-311.pyc': 'bytecode',
      '.pytest_cache/v/cache/lastfailed': '{}',
      'node_modules/dep/index.js': 'module.exports = 1;\n',
      'packages/web/node_modules/inner/index.js': 'module.exports = 2;\n',
      'packages/web/index.js': 'require("inner");\n',
      '.venv/pyvenv.cfg': 'home = /usr/bin\n',
      '.venv/lib/site.py': '',
      'env/pyvenv.cfg': 'home = /usr/bin\n',
      'env/lib/site.py': '',
    });
    await write(outside, { 'shared.txt': 'shared\n' });
    await fs.symlink('calc.py', path.join(project, 'latest.py'));
    await fs.symlink(path.join(project, 'README.md'), path.join(project, 'readme-abs.md'));
    await fs.symlink('../shared/shared.txt', path.join(project, 'shared.txt'));
  });

  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((s) => s.dispose()));
    await fs.rm(scratch, { recursive: true, force: true });
  });

  it('copies the project without touching the original, even when the copy is written to', async () => {
    const before = await snapshot(project);
    const sandbox = track(await createSandbox(project));
    await sandbox.writeFile('calc.py', 'def add(a, b):\n    return a + b\n');
    await sandbox.writeFile('new/deep/module.py', 'X = 1\n');
    await fs.appendFile(path.join(sandbox.root, 'README.md'), 'changed by a test run\n');
    assert.equal(await sandbox.readFile('calc.py'), 'def add(a, b):\n    return a + b\n');
    assert.equal(await sandbox.readFile('new/deep/module.py'), 'X = 1\n');
    assert.deepEqual(await snapshot(project), before);
  });

  it('places the copy in a fresh self-repair- folder under the temp dir', async () => {
    const tmpDir = path.join(scratch, 'tmp');
    const sandbox = track(await createSandbox(project, { tmpDir }));
    assert.equal(path.dirname(sandbox.root), tmpDir);
    assert.match(path.basename(sandbox.root), /^self-repair-/);
    const other = track(await createSandbox(project, { tmpDir }));
    assert.notEqual(other.root, sandbox.root);
  });

  it('leaves out .git and caches, and links dependency folders instead of copying them', async () => {
    const sandbox = track(await createSandbox(project));
    const at = (rel: string) => path.join(sandbox.root, rel);
    for (const skipped of ['.git', '__pycache__', '.pytest_cache']) assert.ok(await missing(at(skipped)), skipped);
    for (const dep of ['node_modules', 'packages/web/node_modules', '.venv', 'env']) {
      assert.ok(await isSymlink(at(dep)), `${dep} is a symlink`);
      assert.equal(await fs.realpath(at(dep)), path.join(project, dep));
    }
    assert.equal(await sandbox.readFile('node_modules/dep/index.js'), 'module.exports = 1;\n');
    assert.equal(await isSymlink(at('app/env')), false);
    assert.equal(await sandbox.readFile('app/env/__init__.py'), '# a source package that happens to be called env\n');
  });

  it('keeps the project symlinks working inside the copy', async () => {
    const sandbox = track(await createSandbox(project));
    const at = (rel: string) => path.join(sandbox.root, rel);
    assert.equal(await fs.readlink(at('latest.py')), 'calc.py');
    // An absolute link into the project must lead into the copy, not back to the user's file.
    assert.equal(await fs.realpath(at('readme-abs.md')), at('README.md'));
    assert.equal(await fs.readFile(at('shared.txt'), 'utf8'), 'shared\n');
  });

  it('refuses paths that leave the sandbox, in one line', async () => {
    const sandbox = track(await createSandbox(project));
    await assert.rejects(sandbox.writeFile('../evil.txt', 'x'), {
      message: 'path is outside the sandbox: ../evil.txt',
    });
    await assert.rejects(sandbox.readFile('/etc/hostname'), { message: 'path is outside the sandbox: /etc/hostname' });
    await assert.rejects(sandbox.writeFile('sub/../../evil.txt', 'x'), /outside the sandbox/);
    assert.ok(await missing(path.join(path.dirname(sandbox.root), 'evil.txt')));
  });

  it("refuses to write through a dependency link into the user's real folder", async () => {
    const sandbox = track(await createSandbox(project));
    await assert.rejects(sandbox.writeFile('node_modules/dep/index.js', 'hacked'), {
      message: 'cannot write node_modules/dep/index.js: it leads outside the sandbox (through a symlink)',
    });
    await assert.rejects(sandbox.writeFile('node_modules/newpkg/index.js', 'x'), /outside the sandbox/);
    assert.equal(await fs.readFile(path.join(project, 'node_modules/dep/index.js'), 'utf8'), 'module.exports = 1;\n');
    assert.ok(await missing(path.join(project, 'node_modules/newpkg')));
  });

  it('works for a plain folder that is not a git repository', async () => {
    const plain = path.join(scratch, 'plain');
    await write(plain, { 'main.js': 'console.log(1);\n', 'lib/util.js': 'exports.x = 1;\n' });
    const sandbox = track(await createSandbox(plain));
    assert.deepEqual(await snapshot(sandbox.root), await snapshot(plain));
  });

  it('skips extra excluded names and paths', async () => {
    const sandbox = track(await createSandbox(project, { exclude: ['README.md', 'app/env'] }));
    assert.ok(await missing(path.join(sandbox.root, 'README.md')));
    assert.ok(await missing(path.join(sandbox.root, 'app/env')));
    assert.equal(await sandbox.readFile('calc.py'), 'def add(a, b):\n    return a - b\n');
  });

  it('does not copy the copy into itself when the temp dir lies inside the project', async () => {
    const sandbox = track(await createSandbox(project, { tmpDir: path.join(project, '.cache') }));
    assert.ok(await missing(path.join(sandbox.root, '.cache', path.basename(sandbox.root))));
    assert.equal(await sandbox.readFile('calc.py'), 'def add(a, b):\n    return a - b\n');
  });

  it('rejects a missing project folder in one line', async () => {
    const nowhere = path.join(scratch, 'nowhere');
    await assert.rejects(createSandbox(nowhere), { message: `project folder not found: ${nowhere}` });
  });

  it("clones a sandbox into an independent copy whose dependency links still lead to the user's folders", async () => {
    const base = track(await createSandbox(project));
    await base.writeFile('calc.py', 'base version\n');
    const clone = track(await cloneSandbox(base));
    assert.notEqual(clone.root, base.root);
    assert.equal(await clone.readFile('calc.py'), 'base version\n');

    const baseBefore = await snapshot(base.root);
    await clone.writeFile('calc.py', 'clone version\n');
    await clone.writeFile('extra.py', 'only in the clone\n');
    assert.deepEqual(await snapshot(base.root), baseBefore);

    await base.writeFile('README.md', 'changed in base\n');
    assert.equal(await clone.readFile('README.md'), '# demo\n');

    for (const dep of ['node_modules', 'packages/web/node_modules', '.venv', 'env']) {
      assert.equal(await fs.readlink(path.join(clone.root, dep)), path.join(project, dep));
    }
    assert.ok(await missing(path.join(clone.root, '.git')));

    // The clone must survive its source being disposed.
    await base.dispose();
    assert.equal(await clone.readFile('node_modules/dep/index.js'), 'module.exports = 1;\n');
    assert.equal(await fs.realpath(path.join(clone.root, 'readme-abs.md')), path.join(clone.root, 'README.md'));
  });

  it('dispose removes the copy, can be called twice, and leaves the linked dependencies alone', async () => {
    const before = await snapshot(project);
    const sandbox = await createSandbox(project);
    await sandbox.dispose();
    await sandbox.dispose();
    assert.ok(await missing(sandbox.root));
    assert.deepEqual(await snapshot(project), before);
  });

  it('lists project files as sorted POSIX paths without caches, dependencies or symlinks', async () => {
    assert.deepEqual(await listProjectFiles(project), [
      'README.md',
      'app/env/__init__.py',
      'calc.py',
      'packages/web/index.js',
      'tests/test_calc.py',
    ]);
    assert.equal((await listProjectFiles(project, { maxFiles: 2 })).length, 2);
  });
});
