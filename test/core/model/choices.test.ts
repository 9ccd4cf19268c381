import assert from 'node:assert/strict';
import { OpenAIModelClient } from '../../../src/core/model/client';
import type { ChatMessage } from '../../../src/core/model/types';
import { ScriptedModelServer, type ScriptedServerOptions } from '../../support/openai-server';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You repair code.' },
  { role: 'user', content: 'The test test_add fails.' },
];

describe('OpenAIModelClient.completeMany: several replies to one prompt', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function clientFor(options: ScriptedServerOptions): Promise<OpenAIModelClient> {
    server = await ScriptedModelServer.start(options);
    return new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
  }

  it('asks once with n where the endpoint honours it, the replies streamed interleaved by index', async () => {
    const client = await clientFor({ n: 'honour', replies: ['first reply here', 'second one', 'third reply, longer'] });
    const deltas = new Map<number, string>();
    const responses = await client.completeMany(
      { messages, onDelta: (text, _soFar, choice) => deltas.set(choice, (deltas.get(choice) ?? '') + text) },
      3,
    );
    assert.equal(server!.requests.length, 1);
    assert.equal(server!.requests[0]!.body?.n, 3);
    assert.equal(responses.length, 1);
    assert.deepEqual(responses[0]!.choices, ['first reply here', 'second one', 'third reply, longer']);
    assert.deepEqual([...deltas.entries()].sort(), [
      [0, 'first reply here'],
      [1, 'second one'],
      [2, 'third reply, longer'],
    ]);
    // The prompt is paid for once.
    const promptTokens = Math.ceil(messages.reduce((sum, m) => sum + m.content.length, 0) / 4);
    assert.equal(responses[0]!.usage.promptTokens, promptTokens);
  });

  it('asks for the rest in parallel when the endpoint ignores n, and asks in parallel from then on', async () => {
    const client = await clientFor({ n: 'ignore', replies: ['a', 'b', 'c', 'd', 'e'] });
    const first = await client.completeMany({ messages }, 3);
    assert.deepEqual(
      first
        .map((r) => r.choices)
        .flat()
        .sort(),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      server!.requests.map((r) => r.body?.n),
      [3, undefined, undefined],
    );
    await client.completeMany({ messages }, 2);
    assert.deepEqual(
      server!.requests.slice(3).map((r) => r.body?.n),
      [undefined, undefined],
      'remembered: n is not sent again',
    );
  });

  it('falls back to parallel requests when the endpoint refuses n with a 400, and remembers it', async () => {
    const client = await clientFor({ n: 'refuse', replies: ['a', 'b', 'c', 'd'] });
    const responses = await client.completeMany({ messages }, 2);
    assert.deepEqual(responses.map((r) => r.content).sort(), ['a', 'b']);
    assert.deepEqual(
      server!.requests.map((r) => r.body?.n),
      [2, undefined, undefined],
    );
    await client.completeMany({ messages }, 2);
    assert.equal(server!.requests.length, 5, 'no second refused request');
  });

  it('sends no n for a single reply', async () => {
    const client = await clientFor({ n: 'honour', replies: ['only'] });
    const responses = await client.completeMany({ messages }, 1);
    assert.deepEqual(
      responses.map((r) => r.content),
      ['only'],
    );
    assert.equal(server!.requests[0]!.body?.n, undefined);
  });
});
