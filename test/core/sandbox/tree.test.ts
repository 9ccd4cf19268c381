import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { listProjectTree } from '../../../src/core/sandbox/tree';
import { write } from './helpers';

function git(root: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: root, stdio: 'ignore' });
}

describe('project listing (git when it is a work tree, else the walk)', () => {
  let project: string;

  beforeEach(async () => {
    project = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'tree-test-')));
  });
  afterEach(() => fs.rm(project, { recursive: true, force: true }));

  it('leaves out what .gitignore ignores, and lists tracked and new files', async () => {
    const big: Record<string, string> = {};
    for (let i = 0; i < 50; i++) big[`generated/out-${i}.py`] = 'x = 1\n';
    await write(project, {
      '.gitignore': 'generated/\n*.log\n',
      'src/app.py': 'def f():\n    return 1\n',
      'tests/test_app.py': 'from src.app import f\n',
      'debug.log': 'noise\n',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      ...big,
    });
    git(project, 'init', '-q');
    git(project, 'add', '.gitignore', 'src/app.py');
    git(project, 'commit', '-q', '-m', 'start');
    // Committed by mistake, yet a dependency folder all the same.
    await write(project, { 'venv/lib/site.py': 'x = 1\n', 'new_module.py': 'y = 2\n' });
    git(project, 'add', '-f', 'venv/lib/site.py');

    assert.deepEqual(await listProjectTree(project), {
      files: ['.gitignore', 'new_module.py', 'src/app.py', 'tests/test_app.py'],
      truncated: false,
    });
  });

  it('walks a folder that is not a git work tree, as before', async () => {
    await write(project, {
      'b.py': 'b = 1\n',
      'a/c.py': 'c = 1\n',
      '__pycache__/b.cpython-311.pyc': 'bytecode',
      '.venv/lib/x.py': 'x = 1\n',
    });
    assert.deepEqual(await listProjectTree(project), { files: ['a/c.py', 'b.py'], truncated: false });
  });

  it('says when it stopped at the cap, through git and through the walk', async () => {
    await write(project, { 'a.py': '', 'b.py': '', 'c.py': '' });
    assert.deepEqual(await listProjectTree(project, { maxFiles: 2 }), { files: ['a.py', 'b.py'], truncated: true });
    assert.deepEqual(await listProjectTree(project, { maxFiles: 3 }), {
      files: ['a.py', 'b.py', 'c.py'],
      truncated: false,
    });
    git(project, 'init', '-q');
    assert.deepEqual(await listProjectTree(project, { maxFiles: 2 }), { files: ['a.py', 'b.py'], truncated: true });
  });
});
