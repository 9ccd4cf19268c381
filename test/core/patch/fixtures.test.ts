/**
 * One scenario per folder of test/fixtures/patch: `reply.md` (a model reply), `before/` (the project),
 * and either `after/` (every file the reply changes or creates, in full) or `expected-error.txt` (part of
 * the one-line message the reply must be refused with). An optional `context.json` gives the focus files
 * and marks scenarios that need tree-sitter's function replacement (`"syntax": true`, run last).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { applyEdits, parseReply, PatchError, type ApplyContext } from '../../../src/core/patch';
import { replaceFunctionDefinition } from '../../../src/core/syntax/functions';
import { languageForFile } from '../../../src/core/syntax/parser';

const FIXTURES = path.resolve(__dirname, '../../fixtures/patch');

interface ScenarioContext {
  focus?: string[];
  syntax?: boolean;
}

function readTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    files.set(path.relative(root, full).split(path.sep).join('/'), readFileSync(full, 'utf8'));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

function isTestFile(file: string): boolean {
  return /(^|\/)tests?\//.test(file) || /(^|\/)test_[^/]*\.py$/.test(file) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(file);
}

function scenario(name: string): void {
  const dir = path.join(FIXTURES, name);
  const before = readTree(path.join(dir, 'before'));
  const errorFile = path.join(dir, 'expected-error.txt');
  const expectedError = existsSync(errorFile) ? readFileSync(errorFile, 'utf8').trim() : undefined;
  const context = contextOf(name);
  const projectFiles = [...before.keys()];
  const ctx: ApplyContext = {
    readFile: async (file) => before.get(file),
    projectFiles,
    focusFiles: context.focus ?? projectFiles.filter((f) => !isTestFile(f)),
    isTestFile,
    replaceFunction: async (source, file, code) => replaceFunctionDefinition(source, languageForFile(file)!, code),
  };
  const { edits } = parseReply(readFileSync(path.join(dir, 'reply.md'), 'utf8'));

  if (expectedError !== undefined) {
    it(`refuses ${name}: ${expectedError}`, async () => {
      await assert.rejects(applyEdits(edits, ctx), (error: unknown) => {
        assert.ok(error instanceof PatchError, `expected a PatchError, got ${String(error)}`);
        assert.ok(error.message.includes(expectedError), `message was: ${error.message}`);
        assert.ok(!error.message.includes('\n'), 'the message is one line');
        return true;
      });
    });
    return;
  }
  it(`applies ${name}`, async () => {
    const expected = readTree(path.join(dir, 'after'));
    const changes = await applyEdits(edits, ctx);
    assert.deepEqual(
      Object.fromEntries([...changes].sort(([a], [b]) => a.localeCompare(b))),
      Object.fromEntries(expected),
    );
  });
}

function contextOf(name: string): ScenarioContext {
  const file = path.join(FIXTURES, name, 'context.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScenarioContext) : {};
}

const names = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('patch fixtures: reply → edits → files', () => {
  for (const name of names.filter((n) => !contextOf(n).syntax)) scenario(name);
});

describe('patch fixtures that replace whole functions (tree-sitter)', () => {
  for (const name of names.filter((n) => contextOf(n).syntax)) scenario(name);
});
