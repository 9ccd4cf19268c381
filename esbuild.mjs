// Bundles the extension and the CLI, and beside them the node --test reporter the engine hands to test
// processes. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// esbuild would pick web-tree-sitter's ES-module build for `import`, whose `import.meta.url` is
// undefined in CommonJS output and makes `Parser.init` crash; its CommonJS build works.
const webTreeSitterCjs = path.join(path.dirname(require.resolve('web-tree-sitter')), 'tree-sitter.cjs');

/** The grammar and runtime `.wasm` files the syntax layer loads from beside the bundle. */
const wasmFiles = [
  path.join(path.dirname(webTreeSitterCjs), 'tree-sitter.wasm'),
  require.resolve('tree-sitter-python/tree-sitter-python.wasm'),
  require.resolve('tree-sitter-javascript/tree-sitter-javascript.wasm'),
  require.resolve('tree-sitter-typescript/tree-sitter-typescript.wasm'),
  require.resolve('tree-sitter-typescript/tree-sitter-tsx.wasm'),
  require.resolve('tree-sitter-go/tree-sitter-go.wasm'),
  require.resolve('tree-sitter-rust/tree-sitter-rust.wasm'),
];

/**
 * Read from beside the bundle as well: the pytest plugin the tracer writes into a test run's module path,
 * and the mocha reporter test processes load from the engine's folder (see src/core/testing/mocha.ts).
 */
const besideBundle = [
  ...wasmFiles,
  'src/core/localize/trace/self_repair_trace.py',
  'src/core/testing/mocha-reporter.cjs',
];
/** Files the engine hands to test processes as they are, into the same sub-folder of dist/ (see unittest.ts). */
const runnerFiles = [{ from: 'src/core/testing/python/self_repair_unittest.py', to: 'python' }];

const copyWasm = {
  name: 'copy-wasm',
  setup(build) {
    build.onEnd(async (result) => {
      if (result.errors.length) return;
      await mkdir('dist', { recursive: true });
      await Promise.all(besideBundle.map((file) => copyFile(file, path.join('dist', path.basename(file)))));
      for (const { from, to } of runnerFiles) {
        await mkdir(path.join('dist', to), { recursive: true });
        await copyFile(from, path.join('dist', to, path.basename(from)));
      }
    });
  },
};

const reportEnd = {
  name: 'report-end',
  setup(build) {
    // The start line lets the editor's watch task (.vscode/tasks.json) clear the last build's problems.
    if (watch) build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ ${text}${location ? ` (${location.file}:${location.line}:${location.column})` : ''}`);
      }
      if (watch) console.log(`[watch] build finished with ${result.errors.length} error(s)`);
    });
  },
};

/** @type {esbuild.BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  sourcesContent: false,
  logLevel: 'warning',
  alias: { 'web-tree-sitter': webTreeSitterCjs },
  external: ['vscode'],
};

const contexts = await Promise.all([
  esbuild.context({
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    plugins: [copyWasm, reportEnd],
  }),
  esbuild.context({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [reportEnd],
  }),
  // Read by src/core/testing/node-test.ts from beside the bundle and given to node as a data: URL, so
  // an ES module with no source map.
  esbuild.context({
    ...common,
    entryPoints: ['src/core/testing/node-test-reporter.mjs'],
    outfile: 'dist/node-test-reporter.mjs',
    format: 'esm',
    sourcemap: false,
    plugins: [reportEnd],
  }),
]);

if (watch) {
  await Promise.all(contexts.map((ctx) => ctx.watch()));
} else {
  const results = await Promise.allSettled(contexts.map((ctx) => ctx.rebuild()));
  await Promise.all(contexts.map((ctx) => ctx.dispose()));
  if (results.some((r) => r.status === 'rejected')) process.exit(1);
}
