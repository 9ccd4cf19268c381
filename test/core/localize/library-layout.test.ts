import * as assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { localize, type Localization } from '../../../src/core/localize';
import type { CoverageSpectrum, ExecutedFunction } from '../../../src/core/localize/types';
import { listProjectFiles, ProcessRunner } from '../../../src/core/sandbox';
import { languageForFile } from '../../../src/core/syntax';
import { runTests, selectAdapter } from '../../../src/core/testing';
import { isFailing } from '../../../src/core/testing/types';
import { copyProject } from '../../support/projects';

const copies: Array<{ remove: () => Promise<void> }> = [];

/** A real run of the project's tests on a copy, and a localizer over all its source files. */
async function failuresOf(project: string) {
  const copy = await copyProject(project);
  copies.push(copy);
  const { root } = copy;
  const adapter = await selectAdapter(root);
  const report = await runTests({
    runner: new ProcessRunner(),
    root,
    adapter,
    command: await adapter.defaultCommand(root),
    timeoutMs: 60_000,
  });
  const files = await listProjectFiles(root, { maxFiles: 1000 });
  const read = (f: string) => readFile(path.join(root, f), 'utf8').catch(() => undefined);
  const sourceFiles = files.filter((f) => languageForFile(f) && !adapter.isTestFile(f));
  const run = (spectrum?: CoverageSpectrum): Promise<Localization> =>
    localize({
      failing: report.tests.filter(isFailing),
      sourceFiles,
      isTestFile: (f) => adapter.isTestFile(f),
      readFile: read,
      spectrum,
    });
  return { report, sourceFiles, read, run };
}

/** The 1-based line of the first line of `text` that starts with `start` (after its indent). */
function lineOf(text: string, start: string): number {
  const index = text.split('\n').findIndex((line) => line.trimStart().startsWith(start));
  assert.ok(index >= 0, start);
  return index + 1;
}

const groupOf = (located: Localization, group: number) => located.code.filter((s) => s.group === group);
const totalChars = (located: Localization) => located.code.reduce((n, s) => n + s.text.length, 0);

describe('localize on a library laid out as real ones are', function () {
  this.timeout(120_000);
  after(() => Promise.all(copies.splice(0).map((copy) => copy.remove())));

  describe('python: a package re-exporting a large module, unittest classes, docs/conf.py', () => {
    let project: Awaited<ReturnType<typeof failuresOf>>;
    let more: string;
    before(async () => {
      project = await failuresOf('python-library-layout');
      more = (await project.read('quirkytools/more.py'))!;
    });

    it('without a spectrum, ranks the function the test calls through `import pkg as p` first, shown alone', async () => {
      assert.deepEqual(
        project.report.tests.filter(isFailing).map((t) => t.id),
        ['tests/test_more.py::ExactlyNTests::test_too_many'],
      );
      const located = await project.run();
      assert.equal(located.tests.length, 1);
      assert.match(located.tests[0]!.text, /^def test_too_many\(self\):/);
      const first = groupOf(located, 0);
      assert.match(first[0]!.label, /^function exactly_n, lines \d+-\d+$/);
      assert.ok(first[0]!.text.startsWith('def exactly_n('));
      assert.deepEqual(located.focusFiles, ['quirkytools/more.py']);
      for (const absent of ['docs/conf.py', 'quirkytools/recipes.py', 'quirkytools/__init__.py'])
        assert.ok(!located.code.some((s) => s.file === absent), absent);
      // Every snippet is an exact slice of its file: SEARCH/REPLACE edits quote it.
      for (const s of located.code) assert.ok(more.includes(s.text), s.label);
      // The old fallback showed whole files; the smallest large module alone is many times this.
      assert.ok(totalChars(located) < 1_000, String(totalChars(located)));
      assert.ok(more.length > 10 * totalChars(located));
    });

    it('takes a spectrum that names no project function for no spectrum', async () => {
      const empty: CoverageSpectrum = {
        source: 'hand-built',
        functions: [],
        failingTraced: 1,
        passingTraced: 0,
        durationMs: 1,
      };
      const located = await project.run(empty);
      assert.match(located.code[0]!.label, /^function exactly_n, /);
    });

    it('shows the imports the function uses and not the others', async () => {
      const located = await project.run();
      const imports = groupOf(located, 0).filter((s) => s.label.startsWith('imports'));
      assert.deepEqual(
        imports.map((s) => s.text),
        ['from itertools import chain, islice'],
      );
      const shown = located.code.map((s) => s.text).join('\n');
      for (const unused of ['import operator', 'from collections import deque', 'from .recipes import'])
        assert.ok(!shown.includes(unused), unused);
    });

    it('with a spectrum, ranks what only the failing test ran above what every test ran; a method gets its class header', async () => {
      const failingId = 'tests/test_more.py::ExactlyNTests::test_too_many';
      const recipes = (await project.read('quirkytools/recipes.py'))!;
      const ran = (file: string, name: string, line: number, passingTests: number): ExecutedFunction => ({
        file,
        name,
        line,
        failingTests: [failingId],
        passingTests,
      });
      const spectrum: CoverageSpectrum = {
        source: 'hand-built',
        failingTraced: 1,
        passingTraced: 6,
        durationMs: 1,
        functions: [
          ran('quirkytools/recipes.py', 'consume', lineOf(recipes, 'def consume('), 6),
          ran('quirkytools/more.py', 'Peekable.peek', lineOf(more, 'def peek('), 0),
          ran('quirkytools/more.py', 'exactly_n', lineOf(more, 'def exactly_n('), 2),
          { ...ran('tests/test_more.py', 'ExactlyNTests.test_too_many', 12, 0) },
        ],
      };
      const located = await project.run(spectrum);
      const functions = located.code.filter((s) => s.label.startsWith('function')).map((s) => s.label.split(',')[0]);
      // peek: Ochiai 1; exactly_n: 1/√3 plus the test's direct call; consume: 1/√7. Tests are never suspects.
      assert.deepEqual(functions, ['function Peekable.peek', 'function exactly_n', 'function consume']);
      const peek = groupOf(located, 0);
      assert.deepEqual(
        peek.map((s) => s.text.split('\n')[0]!.trim()),
        ['def peek(self, default=_MARKER):', 'class Peekable:', '_MARKER = object()'],
      );
      assert.match(peek[1]!.label, /^class Peekable header, lines (\d+)-\1$/);
      assert.deepEqual(located.focusFiles, ['quirkytools/more.py', 'quirkytools/recipes.py']);
    });
  });

  it('javascript: `import { f } from "../src/x.js"` under node --test gets the same treatment', async () => {
    const project = await failuresOf('js-library-layout');
    const located = await project.run();
    assert.equal(located.tests.length, 1);
    assert.ok(located.tests[0]!.text.startsWith("test('chunk keeps the short last group'"));
    assert.deepEqual(
      located.code.map((s) => [s.label.replace(/, lines.*/, ''), s.text.split('\n')[0], s.group]),
      [
        ['function chunk', 'export function chunk(items, size = DEFAULT_SIZE) {', 0],
        ['imports and constants it uses', 'const DEFAULT_SIZE = 2;', 0],
      ],
    );
    assert.deepEqual(located.focusFiles, ['src/sequence.js']);
  });

  for (const [project, file, fn] of [
    ['python-buggy', 'stats/core.py', 'mean'],
    ['js-buggy', 'src/cart.js', 'total'],
  ] as const) {
    it(`${project}: with all its files as source, the bug's function comes first`, async () => {
      const located = await (await failuresOf(project)).run();
      assert.equal(located.focusFiles[0], file);
      assert.match(located.code[0]!.label, new RegExp(`the failure points at ${fn} \\(`));
    });
  }
});
