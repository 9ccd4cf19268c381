/**
 * In a workspace the user has not trusted, "Self-repair" runs nothing: it says why, asks no model
 * and changes no file.
 */
import assert from 'node:assert/strict';
import { ScriptedModelServer } from '../support/openai-server';
import { hashTree } from '../support/projects';
import { reply } from '../support/replies';
import { useSession } from './support/session';

describe('Self-repair in an untrusted workspace (python-buggy, Restricted Mode)', function () {
  let server: ScriptedModelServer;

  before(async () => {
    server = await ScriptedModelServer.start({ replies: [reply('python-mean-search-replace')] });
  });
  after(async () => {
    await server?.close();
  });

  const session = useSession({
    project: 'python-buggy',
    trusted: false,
    userSettings: () => ({ 'selfRepair.baseUrl': server.url, 'selfRepair.model': 'scripted-coder' }),
  });

  it('"Self-repair" from the palette refuses with a clear message, asks no model and changes no file', async () => {
    const { workbench, workspace } = session();
    const before = await hashTree(workspace);
    await workbench.waitForStatusBarItem(/Restricted Mode/);
    await workbench.openFile('stats/core.py');
    await workbench.runCommand('Self-repair');
    const message = await workbench.waitForNotification(/trust this workspace/);
    assert.equal(message, 'Self-repair runs your tests, which executes code: trust this workspace first.');
    await workbench.screenshot('untrusted-refused');
    assert.doesNotMatch(await workbench.statusBarText(), /Self-repair: /);
    assert.equal(server.requests.length, 0);
    assert.deepEqual(await hashTree(workspace), before);
  });
});
