import assert from 'node:assert/strict';
import { adapters } from '../../../src/core/testing/adapters';
import { TEST_EXTENSIONS, treeDecision } from '../../../src/extension/logic/test-extensions';

describe('which folders Self-repair\u2019s own Test Explorer tree shows (selfRepair.testExplorer)', () => {
  const none = (): boolean => false;
  const installed =
    (...ids: string[]) =>
    (id: string): boolean =>
      ids.includes(id);

  it('"always" shows every folder, even next to the Python extension', () => {
    assert.deepEqual(treeDecision('always', 'pytest', installed('ms-python.python')), { show: true });
  });

  it('"never" shows none, and says so', () => {
    assert.deepEqual(treeDecision('never', 'pytest', none), {
      show: false,
      reason: 'selfRepair.testExplorer is "never"',
    });
  });

  it('"auto" leaves a folder to the installed extension of its framework, naming it', () => {
    assert.deepEqual(treeDecision('auto', 'pytest', none), { show: true });
    assert.deepEqual(treeDecision('auto', 'vitest', installed('ms-python.python')), { show: true });
    const decision = treeDecision('auto', 'jest', installed('firsttris.vscode-jest-runner'));
    assert.equal(decision.show, false);
    assert.match(!decision.show ? decision.reason : '', /^firsttris\.vscode-jest-runner already shows its jest tests/);
    assert.equal(treeDecision('auto', 'unittest', installed('ms-python.python')).show, false);
  });

  it('knows an extension for every framework adapter the engine has', () => {
    for (const adapter of adapters) {
      assert.ok(TEST_EXTENSIONS[adapter.id]?.length, `no test extension listed for ${adapter.id}`);
      for (const id of TEST_EXTENSIONS[adapter.id]!) assert.match(id, /^[\w-]+\.[\w.-]+$/, id);
    }
  });
});
