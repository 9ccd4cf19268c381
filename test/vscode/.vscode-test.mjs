// Desktop VS Code integration suite (`npm run test:vscode`): @vscode/test-cli downloads VS Code,
// starts it with this extension in development mode and runs the bundled suite inside it.
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

/** The suite accepts a candidate, which writes into the workspace: each run gets a throw-away copy of the sample. */
function workspaceCopy() {
  const target = path.join(mkdtempSync(path.join(os.tmpdir(), 'self-repair-vscode-')), 'js-buggy');
  cpSync(path.join(root, 'test', 'fixtures', 'projects', 'js-buggy'), target, { recursive: true });
  return target;
}

const common = {
  // Built by test/vscode/build.mjs, relative to this file.
  files: 'out/**/*.vscode-test.js',
  extensionDevelopmentPath: root,
  launchArgs: ['--disable-extensions'],
  mocha: { ui: 'bdd', timeout: 180_000, color: true },
  env: { SELF_REPAIR_API_KEY: '', OPENAI_API_KEY: '' },
};

export default defineConfig([
  // The oldest VS Code the manifest accepts: the feature-detected APIs must fall back cleanly.
  { label: 'minimum', version: '1.90.0', workspaceFolder: workspaceCopy(), ...common },
  { label: 'stable', version: 'stable', workspaceFolder: workspaceCopy(), ...common },
]);
