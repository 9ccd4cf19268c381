import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'check-core-imports.mjs');

function check(dir?: string) {
  return spawnSync(process.execPath, dir ? [SCRIPT, dir] : [SCRIPT], { encoding: 'utf8' });
}

describe('the engine stays free of vscode (scripts/check-core-imports.mjs)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'core-check-'));
    await mkdir(path.join(dir, 'deep'));
    await writeFile(
      path.join(dir, 'ok.ts'),
      "import { execa } from 'execa';\n// mentions 'vscode' in a comment only\n",
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('passes on the real src/core', () => {
    const run = check();
    assert.equal(run.status, 0, run.stderr);
  });

  it('passes a folder without vscode imports', () => {
    assert.equal(check(dir).status, 0);
  });

  for (const [form, line] of [
    ['a static import', "import * as vscode from 'vscode';"],
    ['a type-only import', "import type { Uri } from 'vscode';"],
    ['a require', "const vscode = require('vscode');"],
    ['a dynamic import', "const vscode = await import('vscode');"],
  ] as const) {
    it(`fails on ${form}, naming the file`, async () => {
      await writeFile(path.join(dir, 'deep', 'bad.ts'), `${line}\n`);
      const run = check(dir);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /must not import 'vscode'.*deep\/bad\.ts/);
    });
  }
});
