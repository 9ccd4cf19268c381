import type { ChoiceOf } from '../../core';

/**
 * Extensions that show a framework's tests in the Test Explorer themselves, by the engine's adapter
 * id. With one of them installed, `selfRepair.testExplorer: auto` leaves that framework's folders to it.
 */
export const TEST_EXTENSIONS: Readonly<Record<string, readonly string[]>> = {
  pytest: ['ms-python.python'],
  unittest: ['ms-python.python'],
  vitest: ['vitest.explorer'],
  jest: ['Orta.vscode-jest', 'firsttris.vscode-jest-runner'],
  mocha: ['hbenl.vscode-mocha-test-adapter'],
  'node-test': ['connor4312.nodejs-testing'],
  'go-test': ['golang.go'],
  cargo: ['rust-lang.rust-analyzer'],
};

export type TreeDecision = { show: true } | { show: false; reason: string };

/**
 * Whether our Test Explorer tree shows the tests of a folder run by `framework`. `isInstalled`
 * answers for an extension id (VS Code's `extensions.getExtension`).
 */
export function treeDecision(
  mode: ChoiceOf<'testExplorer'>,
  framework: string,
  isInstalled: (extensionId: string) => boolean,
): TreeDecision {
  if (mode === 'always') return { show: true };
  if (mode === 'never') return { show: false, reason: 'selfRepair.testExplorer is "never"' };
  const other = (TEST_EXTENSIONS[framework] ?? []).find(isInstalled);
  if (!other) return { show: true };
  return {
    show: false,
    reason: `${other} already shows its ${framework} tests (selfRepair.testExplorer "always" shows them here too)`,
  };
}
