import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findProjectRoot, listProjectRoots } from '../../../src/core/testing/project-root';
import { FIXTURE_PROJECTS } from '../../support/projects';

/** Writes `files` (relative path → text) below a fresh temporary folder and returns the folder. */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'self-repair-roots-'));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), text);
  }
  return root;
}

const jestPackage = JSON.stringify({ scripts: { test: 'jest' } });
const nodePackage = JSON.stringify({ scripts: { test: 'node --test' } });

describe('project roots: the nearest folder above a test with a framework configuration', () => {
  let root: string;
  before(async () => {
    root = await tree({
      'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
      'packages/api/package.json': jestPackage,
      'packages/api/src/deep/x.test.js': '',
      'packages/web/package.json': JSON.stringify({ devDependencies: { vitest: '1' } }),
      'packages/web/src/a.test.ts': '',
      'packages/vite/vite.config.ts': "export default { test: { environment: 'node' } };",
      'packages/plain-vite/vite.config.ts': 'export default {};',
      'packages/mocha/.mocharc.json': '{}',
      'packages/node/package.json': nodePackage,
      'packages/placeholder/package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified"' } }),
      'services/x/go.mod': 'module x\n',
      'services/x/pkg/y/y_test.go': '',
      'crates/z/Cargo.toml': '[package]\nname = "z"\n',
      'py/pyproject.toml': '[project]\nname = "p"\n',
      'py/tests/conftest.py': '',
      'py/tests/test_a.py': 'def test_a():\n    pass\n',
      'ut/setup.py': '',
      'ut/tests/test_u.py': 'import unittest\n',
      'packages/api/node_modules/dep/package.json': jestPackage,
    });
  });
  after(() => rm(root, { recursive: true, force: true }));

  const find = (rel: string) => findProjectRoot(path.join(root, rel), root);
  const named = async (rel: string) => {
    const found = await find(rel);
    return found && [path.relative(root, found.root), found.adapter.id];
  };

  it('climbs from a test file, or a folder inside a package, to the package that names its runner', async () => {
    assert.deepEqual(await named('packages/api/src/deep/x.test.js'), ['packages/api', 'jest']);
    assert.deepEqual(await named('packages/api/src/deep'), ['packages/api', 'jest']);
    assert.deepEqual(await named('packages/web/src/a.test.ts'), ['packages/web', 'vitest']);
    assert.deepEqual(await named('packages/node'), ['packages/node', 'node-test']);
  });

  it('knows each framework by its own configuration file', async () => {
    assert.deepEqual(await named('packages/vite'), ['packages/vite', 'vitest']);
    assert.deepEqual(await named('packages/mocha'), ['packages/mocha', 'mocha']);
    assert.deepEqual(await named('services/x/pkg/y/y_test.go'), ['services/x', 'go-test']);
    assert.deepEqual(await named('crates/z'), ['crates/z', 'cargo']);
    assert.deepEqual(await named('py/tests/test_a.py'), ['py', 'pytest'], 'a conftest.py folder is not a root');
    assert.deepEqual(await named('ut/tests/test_u.py'), ['ut', 'unittest']);
  });

  it('does not stop at a package.json that names no runner, nor climb above the boundary', async () => {
    assert.equal(await find('packages/placeholder'), undefined);
    assert.equal(await find('packages/plain-vite'), undefined);
    assert.equal(await find(''), undefined);
    assert.equal(
      await findProjectRoot(path.join(root, 'packages/api/src'), path.join(root, 'packages/api/src')),
      undefined,
    );
    assert.equal(await findProjectRoot(os.tmpdir(), root), undefined, 'a start outside the boundary');
  });

  it('lists the projects below a folder, skipping node_modules', async () => {
    const listed = (await listProjectRoots(root)).map((r) => `${path.relative(root, r.root)} ${r.adapter.id}`);
    assert.deepEqual(listed.sort(), [
      'crates/z cargo',
      'packages/api jest',
      'packages/mocha mocha',
      'packages/node node-test',
      'packages/vite vitest',
      'packages/web vitest',
      'py pytest',
      'services/x go-test',
      'ut unittest',
    ]);
  });

  it('finds both projects of the monorepo fixture and none at its top', async () => {
    const fixture = path.join(FIXTURE_PROJECTS, 'monorepo-mixed');
    assert.equal(await findProjectRoot(fixture, fixture), undefined);
    const listed = (await listProjectRoots(fixture)).map((r) => `${path.relative(fixture, r.root)} ${r.adapter.id}`);
    assert.deepEqual(listed, ['packages/api node-test', 'py pytest']);
  });
});
