import assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../../src/core/model';
import { repair } from '../../../src/core/repair';
import { perTestSeconds } from '../../../src/core/repair/hung';
import { ScriptedModelServer } from '../../support/openai-server';
import { copyProject, processesInSandboxes } from '../../support/projects';
import { reply } from '../../support/replies';

describe('a hung baseline names the hung test', function () {
  this.timeout(180_000);

  it('gives each test a quarter of the run\u2019s limit in the second run, from 1 to 10 s', () => {
    assert.deepEqual([2_000, 4_000, 20_000, 120_000].map(perTestSeconds), [1, 1, 5, 10]);
  });

  it('tells the model which pytest test hung and the function it was stuck in', async () => {
    const copy = await copyProject('python-hangs');
    const server = await ScriptedModelServer.start({ replies: [reply('python-hangs-fix')] });
    try {
      const result = await repair({
        projectRoot: copy.root,
        model: new OpenAIModelClient({ baseUrl: server.url, model: 'scripted' }),
        timeoutMs: 20_000,
      });
      assert.equal(result.status, 'fixed', result.message);
      assert.equal(result.baseline?.timedOut, true);
      const last: unknown = server.requests[0]?.body?.messages?.at(-1)?.content;
      const prompt = typeof last === 'string' ? last : '';
      assert.match(prompt, /### tests\/test_core\.py::test_mean \(errored\)\nMessage: hung: did not finish within 5 s/);
      assert.match(prompt, /File "stats\/core\.py", line \d+, in mean/, 'where it was stuck');
      assert.match(prompt, /File "tests\/test_core\.py", line 9, in test_mean/);
      assert.doesNotMatch(prompt, /_pytest|pluggy/, 'only frames in project files');
      assert.match(prompt, /### \(test run\) \(errored\)\nMessage: tests timed out after 20 s/);
      assert.deepEqual(result.after, { passed: 2, failed: 0 });
      assert.deepEqual(await processesInSandboxes(), []);
    } finally {
      await server.close();
      await copy.remove();
    }
  });
});
