// The engine's two boundaries, checked over the source tree:
// - src/core runs without VS Code (the CLI hosts it too), and so does the extension's pure logic
//   (src/extension/logic, unit-tested under plain mocha): nothing there imports `vscode`, in any form;
// - the hosts (src/cli, src/extension, …) enter the engine through one door, src/core/index.ts:
//   an import of any other file under src/core is a deep import and fails the check.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

// An argument names another source root to check (the script's own test uses that).
const root = process.argv[2]
  ? path.resolve(process.argv[2])
  : path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'src');
const core = path.join(root, 'core');
const vscodeFree = [core, path.join(root, 'extension', 'logic')];
const door = new Set([core, path.join(core, 'index'), path.join(core, 'index.ts'), path.join(core, 'index.js')]);

// Every form a module is named in: import/export … from, side-effect import, import(), require().
const specifiers = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (/\.[cm]?[jt]sx?$/.test(entry.name)) yield full;
  }
}

const inside = (folder, file) => file === folder || file.startsWith(folder + path.sep);

const vscodeInCore = [];
const deepImports = [];
for await (const file of files(root)) {
  const text = await readFile(file, 'utf8');
  const inCore = inside(core, file);
  const mustBeFree = vscodeFree.some((folder) => inside(folder, file));
  for (const [, specifier] of text.matchAll(specifiers)) {
    if (mustBeFree && /^vscode(\/|$)/.test(specifier)) vscodeInCore.push(path.relative(process.cwd(), file));
    if (inCore || !specifier.startsWith('.')) continue;
    const target = path.resolve(path.dirname(file), specifier);
    if (inside(core, target) && !door.has(target)) {
      deepImports.push(`${path.relative(process.cwd(), file)} → '${specifier}'`);
    }
  }
}
if (vscodeInCore.length) {
  console.error(
    `src/core and src/extension/logic must not import 'vscode' (they run without VS Code); found in: ${[...new Set(vscodeInCore)].join(', ')}`,
  );
}
if (deepImports.length) {
  console.error(`hosts must import the engine only through src/core/index.ts; deep imports: ${deepImports.join(', ')}`);
}
if (vscodeInCore.length || deepImports.length) process.exit(1);
console.log(
  'src/core and src/extension/logic are free of vscode imports; the hosts enter the engine only through src/core/index.ts',
);
