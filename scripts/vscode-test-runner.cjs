// What VS Code runs for the "Extension Tests" launch configuration (.vscode/launch.json): the
// desktop suite that `npm run test:vscode` runs, bundled by test/vscode/build.mjs, here inside the
// window F5 opened, so breakpoints in the extension and in the suite are hit. CommonJS, because
// VS Code 1.90 loads a tests entry point with require().
const Mocha = require('mocha');
const { readdirSync } = require('node:fs');
const path = require('node:path');

exports.run = async function run() {
  const out = path.join(__dirname, '..', 'test', 'vscode', 'out');
  // The options test/vscode/.vscode-test.mjs gives mocha for `npm run test:vscode`.
  const mocha = new Mocha({ ui: 'bdd', timeout: 180_000, color: true });
  for (const name of readdirSync(out).sort()) {
    if (name.endsWith('.vscode-test.js')) mocha.addFile(path.join(out, name));
  }
  const failures = await new Promise((resolve) => mocha.run(resolve));
  if (failures) throw new Error(`${failures} desktop test(s) failed`);
};
