import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'check-core-imports.mjs');

function check(dir?: string) {
  return spawnSync(process.execPath, dir ? [SCRIPT, dir] : [SCRIPT], { encoding: 'utf8' });
}

/** A source root shaped like src/: the engine in core/, a host beside it. */
describe('the engine stays free of vscode and has one door (scripts/check-core-imports.mjs)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'core-check-'));
    await mkdir(path.join(dir, 'core', 'deep'), { recursive: true });
    await mkdir(path.join(dir, 'host', 'logic'), { recursive: true });
    await writeFile(
      path.join(dir, 'core', 'ok.ts'),
      "import { execa } from 'execa';\n// mentions 'vscode' in a comment only\n",
    );
    await writeFile(path.join(dir, 'core', 'index.ts'), "export * from './ok';\n");
    await writeFile(
      path.join(dir, 'host', 'logic', 'uses-core.ts'),
      "import * as vscode from 'vscode';\nimport { repair } from '../../core';\nimport type { X } from '../../core/index';\n",
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('passes on the real src', () => {
    const run = check();
    assert.equal(run.status, 0, run.stderr);
  });

  it('passes a tree without vscode in the engine and without deep imports', () => {
    const run = check(dir);
    assert.equal(run.status, 0, run.stderr);
  });

  for (const [form, line] of [
    ['a static import', "import * as vscode from 'vscode';"],
    ['a type-only import', "import type { Uri } from 'vscode';"],
    ['a require', "const vscode = require('vscode');"],
    ['a dynamic import', "const vscode = await import('vscode');"],
  ] as const) {
    it(`fails on ${form} of vscode in the engine, naming the file`, async () => {
      await writeFile(path.join(dir, 'core', 'deep', 'bad.ts'), `${line}\n`);
      const run = check(dir);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /must not import 'vscode'.*core\/deep\/bad\.ts/);
    });
  }

  it("fails on vscode in the extension's pure logic, naming the file", async () => {
    await mkdir(path.join(dir, 'extension', 'logic'), { recursive: true });
    await writeFile(path.join(dir, 'extension', 'logic', 'pure.ts'), "import { window } from 'vscode';\n");
    const run = check(dir);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /must not import 'vscode'.*extension\/logic\/pure\.ts/);
  });

  for (const [form, line] of [
    ['an import', "import { repair } from '../../core/repair/loop';"],
    ['a type-only import', "import type { TestReport } from '../../core/testing/types';"],
    ['a re-export', "export { parse } from '../../core/syntax';"],
    ['a require', "const loop = require('../../core/repair/loop');"],
    ['a dynamic import', "const loop = await import('../../core/deep/bad');"],
  ] as const) {
    it(`fails on ${form} past the engine's door, naming the file and the path`, async () => {
      await writeFile(path.join(dir, 'host', 'logic', 'deep.ts'), `${line}\n`);
      const run = check(dir);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /only through src\/core\/index\.ts.*host\/logic\/deep\.ts → '\.\.\/\.\.\/core\//);
    });
  }
});
