import assert from 'node:assert/strict';
import path from 'node:path';
import { errorKindOf, isConfigurationError, isKeyError, SelfRepairError } from '../../src/core/errors';
import { ModelError, OpenAIModelClient } from '../../src/core/model';
import { repair, StaleFileError } from '../../src/core/repair';
import { ScriptedModelServer } from '../support/openai-server';
import { copyProject } from '../support/projects';
import { reply } from '../support/replies';

describe('errors with a kind', function () {
  this.timeout(120_000);

  it('gives every engine error its kind, and anything else the fallback', () => {
    assert.equal(errorKindOf(new ModelError('bad-key', 'rejected')), 'bad-key');
    assert.ok(new ModelError('bad-key', 'rejected') instanceof SelfRepairError);
    assert.equal(errorKindOf(new StaleFileError(['a.py'])), 'stale-file');
    assert.equal(errorKindOf(new Error('boom')), 'internal');
    assert.equal(errorKindOf('boom', 'test-command'), 'test-command');
  });

  it('tells what the user fixes in the settings, and what with an API key', () => {
    for (const kind of [
      'missing-key',
      'bad-key',
      'unreachable',
      'unknown-model',
      'no-project',
      'test-command',
    ] as const) {
      assert.ok(isConfigurationError(kind), kind);
    }
    for (const kind of [
      'rate-limited',
      'bad-response',
      'server',
      'stale-file',
      'cancelled',
      'internal',
      undefined,
    ] as const) {
      assert.ok(!isConfigurationError(kind), String(kind));
    }
    assert.deepEqual((['missing-key', 'bad-key', 'unreachable', 'internal'] as const).filter(isKeyError), [
      'missing-key',
      'bad-key',
    ]);
  });

  describe('reach the repair\u2019s result', () => {
    let server: ScriptedModelServer;
    let project: Awaited<ReturnType<typeof copyProject>>;
    before(async () => {
      server = await ScriptedModelServer.start({
        replies: [reply('python-mean-search-replace')],
        models: ['m'],
        apiKey: 'right',
      });
      project = await copyProject('python-buggy');
    });
    after(async () => {
      await server.close();
      await project.remove();
    });

    const run = (options: { apiKey?: string; model?: string; testCommand?: string; projectRoot?: string }) =>
      repair({
        projectRoot: options.projectRoot ?? project.root,
        testCommand: options.testCommand,
        model: new OpenAIModelClient(
          { baseUrl: server.url, model: options.model ?? 'm', apiKey: options.apiKey ?? 'right' },
          { maxRetries: 0 },
        ),
        maxTurns: 1,
        timeoutMs: 60_000,
      });

    it('a key the endpoint rejects', async () => {
      const result = await run({ apiKey: 'wrong' });
      assert.deepEqual([result.status, result.errorKind], ['error', 'bad-key'], result.message);
    });

    it('a model the endpoint does not have', async () => {
      const result = await run({ model: 'gpt-nope' });
      assert.deepEqual([result.status, result.errorKind], ['error', 'unknown-model'], result.message);
    });

    it('a test command that does not exist', async () => {
      const result = await run({ testCommand: 'no-such-test-runner --all' });
      assert.deepEqual([result.status, result.errorKind], ['error', 'test-command'], result.message);
      assert.match(result.message, /test command not found/);
    });

    it('a project folder that does not exist', async () => {
      const result = await run({ projectRoot: path.join(project.root, 'missing'), testCommand: 'python3 -m pytest' });
      assert.deepEqual([result.status, result.errorKind], ['error', 'no-project'], result.message);
    });
  });
});
