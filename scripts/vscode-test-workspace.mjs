// Lays out a fresh copy of the sample project that the desktop suite works in, for the "Extension
// Tests" launch configuration (.vscode/launch.json): the suite accepts a fix, which writes into the
// workspace, so every run starts again from test/fixtures/projects/js-buggy.
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, '.vscode-test', 'f5-workspace', 'js-buggy');
rmSync(target, { recursive: true, force: true });
cpSync(path.join(root, 'test', 'fixtures', 'projects', 'js-buggy'), target, { recursive: true });
console.log(`workspace for the desktop suite: ${path.relative(root, target)}`);
