// The engine in src/core must run without VS Code (the CLI hosts it too): fail if anything there
// imports `vscode`, in any import form.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

// An argument names another folder to check (the script's own test uses that).
const root = process.argv[2]
  ? path.resolve(process.argv[2])
  : path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'src', 'core');
const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]vscode(?:\/[^'"]*)?['"]/m;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (/\.[cm]?[jt]sx?$/.test(entry.name)) yield full;
  }
}

const offenders = [];
for await (const file of files(root)) {
  if (pattern.test(await readFile(file, 'utf8'))) offenders.push(path.relative(process.cwd(), file));
}
if (offenders.length) {
  console.error(`src/core must not import 'vscode' (the engine is host-neutral); found in: ${offenders.join(', ')}`);
  process.exit(1);
}
console.log('src/core is free of vscode imports');
