import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.resolve(__dirname, '..', '..');
/** What `npm run lint` and `npm run format:check` read, copied as they are into a small project. */
const CONFIG_FILES = ['package.json', 'tsconfig.json', 'eslint.config.mjs', '.prettierrc.json', '.prettierignore'];

/** A function `lines` lines long, clean in every other respect. */
function longFunction(lines: number): string {
  const body = Array.from({ length: lines - 4 }, (_, i) => `  total += ${i};`).join('\n');
  return `export function sum(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
}

const CLEAN = 'export function greet(name: string): string {\n  return `hello, ${name}`;\n}\n';

/**
 * The checks run on a throw-away project with this repository's configs and node_modules, so a
 * bad file never lands in the real tree and ESLint's type information covers a few files only.
 */
describe('the lint and format checks (eslint.config.mjs, .prettierrc.json)', function () {
  // Real ESLint with type information and real npm scripts, on a machine that may be busy.
  this.timeout(240_000);
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lint-check-'));
    for (const file of CONFIG_FILES) await copyFile(path.join(ROOT, file), path.join(dir, file));
    await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function write(files: Record<string, string>) {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
  }

  async function lint(files: Record<string, string>) {
    await write(files);
    const results = await new ESLint({ cwd: dir }).lintFiles(Object.keys(files));
    return results.flatMap((result) =>
      result.messages.map((m) => ({ file: path.relative(dir, result.filePath), rule: m.ruleId, message: m.message })),
    );
  }

  function npmRun(script: string) {
    const run = spawnSync('npm', ['run', '--silent', script], { cwd: dir, encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  }

  it('reports a function in src/ longer than 80 lines, and lets one of 80 pass', async () => {
    const found = await lint({ 'src/core/long.ts': longFunction(81), 'src/core/fits.ts': longFunction(80) });
    assert.deepEqual(
      found.map(({ file, rule }) => ({ file, rule })),
      [{ file: 'src/core/long.ts', rule: 'max-lines-per-function' }],
    );
    assert.match(found[0]!.message, /'sum' has too many lines \(81\)\. Maximum allowed is 80/);
  });

  it('leaves long functions in tests alone', async () => {
    assert.deepEqual(await lint({ 'test/core/long.test.ts': longFunction(120) }), []);
  });

  it('reports an unused variable', async () => {
    const found = await lint({
      'src/unused.ts': `${CLEAN}export function f(): number {\n  const spare = 1;\n  return 2;\n}\n`,
    });
    assert.deepEqual(
      found.map((f) => f.rule),
      ['@typescript-eslint/no-unused-vars'],
    );
    assert.match(found[0]!.message, /'spare' is assigned a value but never used/);
  });

  it('reports a promise nobody awaits, which takes type information', async () => {
    const found = await lint({
      'src/floating.ts': 'export function start(work: () => Promise<void>): void {\n  work();\n}\n',
    });
    assert.deepEqual(
      found.map((f) => f.rule),
      ['@typescript-eslint/no-floating-promises'],
    );
  });

  it('passes clean code', async () => {
    assert.deepEqual(await lint({ 'src/clean.ts': CLEAN, 'test/clean.test.ts': CLEAN }), []);
  });

  it('`npm run lint` fails on a lint error, naming file and rule', async () => {
    // One run only: a whole `eslint .` with type information is the slowest step here, and that
    // clean code passes is shown above.
    await write({ 'src/clean.ts': CLEAN, 'src/long.ts': longFunction(90) });
    const failing = npmRun('lint');
    assert.equal(failing.status, 1, failing.output);
    assert.match(failing.output, /src\/long\.ts[\s\S]*max-lines-per-function/);
    assert.doesNotMatch(failing.output, /clean\.ts/);
  });

  it('`npm run format:check` fails on a badly formatted file, and passes once `npm run format` wrote it', async () => {
    const ugly = 'export const  pair = {a:1,b:"two"}\n';
    // A fixture stays byte for byte as written: neither checked nor rewritten.
    await write({ 'src/ugly.ts': ugly, 'src/clean.ts': CLEAN, 'test/fixtures/sample/ugly.ts': ugly });
    const failing = npmRun('format:check');
    assert.equal(failing.status, 1, failing.output);
    assert.match(failing.output, /src\/ugly\.ts/);
    assert.doesNotMatch(failing.output, /src\/clean\.ts|fixtures/);

    const format = npmRun('format');
    assert.equal(format.status, 0, format.output);
    assert.equal(await readFile(path.join(dir, 'src', 'ugly.ts'), 'utf8'), "export const pair = { a: 1, b: 'two' };\n");
    assert.equal(await readFile(path.join(dir, 'test', 'fixtures', 'sample', 'ugly.ts'), 'utf8'), ugly);
    const passing = npmRun('format:check');
    assert.equal(passing.status, 0, passing.output);
  });
});
