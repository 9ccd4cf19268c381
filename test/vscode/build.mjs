// Bundles test/vscode/suite/*.vscode-test.ts for the extension host (CommonJS, `vscode` external),
// into test/vscode/out/ where .vscode-test.mjs finds them.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const suite = path.join(here, 'suite');
const outdir = path.join(here, 'out');
rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: readdirSync(suite)
    .filter((name) => name.endsWith('.vscode-test.ts'))
    .map((name) => path.join(suite, name)),
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // VS Code 1.90 runs extensions (and their tests) on Node 20's sibling in Electron 29: Node 20.9.
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode'],
  // test/support/openai-server.ts checks import.meta.url to tell whether it runs as a script; here it never does.
  define: { 'import.meta.url': 'undefined' },
  logLevel: 'warning',
});
