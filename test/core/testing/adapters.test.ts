import { strict as assert } from 'node:assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { adapters, selectAdapter } from '../../../src/core/testing';
import { FIXTURE_PROJECTS } from '../../support/projects';

describe('selectAdapter', () => {
  const pythonProject = path.join(FIXTURE_PROJECTS, 'python-buggy');
  const jsProject = path.join(FIXTURE_PROJECTS, 'js-buggy');
  let empty: string;
  beforeEach(async () => {
    empty = await mkdtemp(path.join(os.tmpdir(), 'self-repair-test-select-'));
  });
  afterEach(() => rm(empty, { recursive: true, force: true }));

  it('knows vitest, jest, mocha, unittest, pytest, go test, cargo test and node --test, the catch-all last', () => {
    assert.deepEqual(
      adapters.map((a) => a.id),
      ['vitest', 'jest', 'mocha', 'unittest', 'pytest', 'go-test', 'cargo', 'node-test'],
    );
  });

  it('detects each sample project’s framework from its files', async () => {
    assert.equal((await selectAdapter(pythonProject)).id, 'pytest');
    assert.equal((await selectAdapter(jsProject)).id, 'node-test');
    assert.equal((await selectAdapter(path.join(FIXTURE_PROJECTS, 'unittest-buggy'))).id, 'unittest');
    assert.equal((await selectAdapter(path.join(FIXTURE_PROJECTS, 'go-buggy'))).id, 'go-test');
    assert.equal((await selectAdapter(path.join(FIXTURE_PROJECTS, 'cargo-buggy'))).id, 'cargo');
    for (const [project, id] of [
      ['jest-buggy', 'jest'],
      ['vitest-buggy', 'vitest'],
      ['mocha-buggy', 'mocha'],
    ]) {
      assert.equal((await selectAdapter(path.join(FIXTURE_PROJECTS, project!))).id, id);
    }
  });

  it('takes unittest-style tests for pytest once pytest is configured or in the virtualenv', async () => {
    await mkdir(path.join(empty, 'tests'));
    await writeFile(
      path.join(empty, 'tests', 'test_a.py'),
      'import unittest\n\nclass TestA(unittest.TestCase):\n    pass\n',
    );
    assert.equal((await selectAdapter(empty)).id, 'unittest');
    await mkdir(path.join(empty, '.venv', 'lib', 'python3.11', 'site-packages', 'pytest'), { recursive: true });
    assert.equal((await selectAdapter(empty)).id, 'pytest');
    await rm(path.join(empty, '.venv'), { recursive: true });
    await writeFile(path.join(empty, 'pyproject.toml'), '[tool.pytest.ini_options]\n');
    assert.equal((await selectAdapter(empty)).id, 'pytest');
  });

  it('lets the command decide over the files', async () => {
    assert.equal((await selectAdapter(jsProject, 'python3 -m pytest')).id, 'pytest');
    assert.equal((await selectAdapter(pythonProject, 'node --test')).id, 'node-test');
    assert.equal((await selectAdapter(pythonProject, 'python3 -m unittest discover -s tests')).id, 'unittest');
    assert.equal((await selectAdapter(pythonProject, 'go test ./...')).id, 'go-test');
  });

  it('follows npm test to the package.json script it runs', async () => {
    await writeFile(
      path.join(empty, 'package.json'),
      JSON.stringify({ scripts: { test: 'python -m pytest', unit: 'node --test' } }),
    );
    assert.equal((await selectAdapter(empty, 'npm test')).id, 'pytest');
    assert.equal((await selectAdapter(empty, 'npm run unit')).id, 'node-test');
  });

  it('falls back to the files when the command names no known framework', async () => {
    assert.equal((await selectAdapter(pythonProject, 'make test')).id, 'pytest');
  });

  it('says in one line what to do when nothing tells', async () => {
    await assert.rejects(selectAdapter(empty), (error: Error) => {
      assert.equal(
        error.message,
        `could not tell which test framework ${path.basename(empty)} uses; pass --test "<command>" (supported: vitest, jest, mocha, unittest, pytest, go test, cargo test, node --test)`,
      );
      return true;
    });
    await assert.rejects(selectAdapter(empty, 'make test'), /could not tell which test framework "make test" runs/);
  });
});
