import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { configureGrammars, languageForFile, parse, withTree } from '../../../src/core/syntax';

describe('syntax/parser', () => {
  it('maps file extensions to languages', () => {
    assert.equal(languageForFile('pkg/stats.py'), 'python');
    assert.equal(languageForFile('a.js'), 'javascript');
    assert.equal(languageForFile('a.mjs'), 'javascript');
    assert.equal(languageForFile('a.cjs'), 'javascript');
    assert.equal(languageForFile('a.jsx'), 'javascript');
    assert.equal(languageForFile('a.ts'), 'typescript');
    assert.equal(languageForFile('a.mts'), 'typescript');
    assert.equal(languageForFile('a.cts'), 'typescript');
    assert.equal(languageForFile('App.TSX'), 'tsx');
    assert.equal(languageForFile('README.md'), undefined);
    assert.equal(languageForFile('Makefile'), undefined);
  });

  it('parses every supported language with its real grammar', async () => {
    const samples = {
      python: 'def f(x):\n    return x\n',
      javascript: 'function f(x) { return x; }\n',
      typescript: 'function f(x: number): number { return x; }\n',
      tsx: 'const A = (p: { n: number }) => <div>{p.n}</div>;\n',
    } as const;
    for (const [lang, text] of Object.entries(samples)) {
      const tree = await parse(text, lang as keyof typeof samples);
      try {
        assert.equal(tree.rootNode.hasError, false, `${lang} sample should parse cleanly`);
        assert.equal(tree.rootNode.text, text);
      } finally {
        tree.delete();
      }
    }
  });

  it('withTree passes the root node and rethrows what the callback throws', async () => {
    assert.equal(await withTree('x = 1\n', 'python', (root) => root.type), 'module');
    await assert.rejects(
      withTree('x = 1\n', 'python', () => {
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.equal(await withTree('let y = 2;\n', 'javascript', (root) => root.namedChildCount), 1);
  });

  describe('configureGrammars', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'syntax-grammars-'));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      // A folder that no longer exists sends the lookup back to the defaults for later tests.
      configureGrammars({ directory: dir });
    });

    it('loads grammars from the configured folder first, and recovers after a bad one', async () => {
      fs.writeFileSync(path.join(dir, 'tree-sitter-python.wasm'), 'not a wasm file');
      configureGrammars({ directory: dir });
      await assert.rejects(parse('x = 1\n', 'python'), (error: Error) => {
        assert.match(error.message, /^could not load tree-sitter grammar .*tree-sitter-python\.wasm: /);
        assert.ok(error.message.includes(dir));
        return true;
      });

      const real = path.join(
        path.dirname(require.resolve('tree-sitter-python/package.json')),
        'tree-sitter-python.wasm',
      );
      fs.copyFileSync(real, path.join(dir, 'tree-sitter-python.wasm'));
      configureGrammars({ directory: dir });
      assert.equal(await withTree('x = 1\n', 'python', (root) => root.hasError), false);
    });

    it('falls back to the npm packages for files the configured folder lacks', async () => {
      configureGrammars({ directory: dir });
      assert.equal(await withTree('const a = 1;\n', 'javascript', (root) => root.hasError), false);
    });
  });
});
