import assert from 'node:assert/strict';
import net from 'node:net';
import { OpenAIModelClient } from '../../../src/core/model/client';
import { resolveModelConfig } from '../../../src/core/model/config';
import { ModelError, type ChatMessage, type ModelErrorKind } from '../../../src/core/model/types';
import { ScriptedModelServer } from '../../support/openai-server';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You repair code.' },
  { role: 'user', content: 'The test test_add fails.' },
];

async function rejection(promise: Promise<unknown>): Promise<ModelError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ModelError, `expected a ModelError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

function assertOneLine(error: ModelError, kind: ModelErrorKind, message: string | RegExp) {
  assert.equal(error.kind, kind, error.message);
  if (typeof message === 'string') assert.equal(error.message, message);
  else assert.match(error.message, message);
  assert.ok(!error.message.includes('\n'), `message spans lines: ${error.message}`);
}

/** A port on this machine with nothing listening on it. */
async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('OpenAIModelClient against a scripted OpenAI-compatible server', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('streams the reply, calling onDelta for each piece in order', async () => {
    server = await ScriptedModelServer.start({ replies: ['The fix is to return a + b instead.'] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'gpt-4o-mini', apiKey: 'sk-test' });
    const deltas: [string, number][] = [];
    const response = await client.complete({ messages, onDelta: (text, soFar) => deltas.push([text, soFar]) });

    assert.equal(response.content, 'The fix is to return a + b instead.');
    assert.ok(deltas.length >= 5, `expected several chunks, got ${deltas.length}`);
    assert.equal(deltas.map(([text]) => text).join(''), response.content);
    let soFar = 0;
    for (const [text, reported] of deltas) assert.equal(reported, (soFar += text.length));
    assert.equal(response.model, 'gpt-4o-mini');
    assert.equal(response.finishReason, 'stop');
  });

  it('reports the usage the server counted, not an estimate', async () => {
    server = await ScriptedModelServer.start({ replies: ['x'.repeat(41)] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
    const response = await client.complete({ messages });
    // 16 + 24 prompt chars -> 10 tokens; 41 reply chars -> 11 tokens.
    assert.deepEqual(response.usage, { promptTokens: 10, completionTokens: 11 });
  });

  it('estimates usage from characters when the endpoint reports none', async () => {
    server = await ScriptedModelServer.start({ replies: [{ content: 'x'.repeat(41), omitUsage: true }] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
    const response = await client.complete({ messages });
    assert.deepEqual(response.usage, { promptTokens: 10, completionTokens: 11, estimated: true });
  });

  it('sends the model, the messages and the key, streaming with usage', async () => {
    server = await ScriptedModelServer.start({ replies: ['ok then'], apiKey: 'sk-secret', models: ['local-coder'] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'local-coder', apiKey: 'sk-secret' });
    await client.complete({ messages, temperature: 0.2, maxTokens: 500 });

    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request.path, '/v1/chat/completions');
    assert.equal(request.headers.authorization, 'Bearer sk-secret');
    assert.equal(request.streamed, true);
    assert.equal(request.body?.model, 'local-coder');
    assert.deepEqual(request.body?.messages, messages);
    assert.deepEqual(request.body?.stream_options, { include_usage: true });
    assert.equal(request.body?.temperature, 0.2);
    assert.equal(request.body?.max_tokens, 500);
  });

  it('leaves temperature and max_tokens out unless asked, since some models refuse them', async () => {
    server = await ScriptedModelServer.start({ replies: ['fine'] });
    await new OpenAIModelClient({ baseUrl: server.url, model: 'o-model', apiKey: 'k' }).complete({ messages });
    assert.equal('temperature' in server.requests[0].body!, false);
    assert.equal('max_tokens' in server.requests[0].body!, false);
  });

  it('talks to a loopback server without any configured key', async () => {
    server = await ScriptedModelServer.start({ replies: ['local answer'] });
    const config = resolveModelConfig({ baseUrl: server.url, model: 'llama3', env: {} });
    const response = await new OpenAIModelClient(config).complete({ messages });
    assert.equal(response.content, 'local answer');
    assert.equal(server.requests[0].headers.authorization, 'Bearer not-needed');
  });

  it('explains a rejected key', async () => {
    server = await ScriptedModelServer.start({ replies: ['never sent'], apiKey: 'sk-right' });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'sk-wrong' });
    const error = await rejection(client.complete({ messages }));
    assertOneLine(error, 'bad-key', 'the model endpoint rejected the API key (401)');
  });

  it('names the unknown model and the endpoint', async () => {
    server = await ScriptedModelServer.start({ replies: ['never sent'], models: ['gpt-4o-mini'] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'gpt-5-imaginary', apiKey: 'k' });
    const error = await rejection(client.complete({ messages }));
    assertOneLine(error, 'unknown-model', `unknown model "gpt-5-imaginary" at ${server.url}`);
  });

  it('says when a base URL answers 404 without mentioning the model', async () => {
    server = await ScriptedModelServer.start({ replies: ['never sent'] });
    const baseUrl = server.url.replace(/\/v1$/, '');
    const error = await rejection(new OpenAIModelClient({ baseUrl, model: 'm', apiKey: 'k' }).complete({ messages }));
    assertOneLine(error, 'unknown-model', /^unknown model "m" at http:\/\/127\.0\.0\.1:\d+ \(404: .*base URL.*\/v1\)$/);
  });

  it('reports an endpoint with nothing listening as unreachable, in one line', async () => {
    const baseUrl = `http://127.0.0.1:${await deadPort()}/v1`;
    const client = new OpenAIModelClient({ baseUrl, model: 'm', apiKey: 'k' });
    const error = await rejection(client.complete({ messages }));
    assertOneLine(error, 'unreachable', `cannot reach the model endpoint at ${baseUrl} (ECONNREFUSED)`);
  });

  it('retries a rate limit once, then reports it', async () => {
    const limit = {
      status: 429,
      error: { message: 'Rate limit reached for gpt-4o-mini', code: 'rate_limit_exceeded' },
    };
    server = await ScriptedModelServer.start({ replies: [limit, limit] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
    const error = await rejection(client.complete({ messages }));
    assertOneLine(
      error,
      'rate-limited',
      'the model endpoint is rate-limiting requests (429): Rate limit reached for gpt-4o-mini',
    );
    assert.equal(server.requests.length, 2);
  });

  it('recovers when the retry of a server error succeeds', async () => {
    server = await ScriptedModelServer.start({
      replies: [{ status: 503, error: { message: 'overloaded' } }, 'second time lucky'],
    });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
    assert.equal((await client.complete({ messages })).content, 'second time lucky');
    assert.equal(server.requests.length, 2);
  });

  it('reports a server error with its status and message', async () => {
    server = await ScriptedModelServer.start({
      replies: [{ status: 500, error: { message: 'CUDA out of\nmemory' } }],
    });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' }, { maxRetries: 0 });
    const error = await rejection(client.complete({ messages }));
    assertOneLine(error, 'server', 'model endpoint error 500: CUDA out of memory');
  });

  it('treats an empty reply as a bad response', async () => {
    server = await ScriptedModelServer.start({ replies: [''] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
    const error = await rejection(client.complete({ messages }));
    assertOneLine(error, 'bad-response', `the model "m" at ${server.url} returned an empty reply`);
  });

  it('stops streaming when cancelled, and the server sees the disconnect', async () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    server = await ScriptedModelServer.start({ replies: [{ content: words, chunkDelayMs: 50 }] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
    const controller = new AbortController();
    let deltas = 0;
    const error = await rejection(
      client.complete({
        messages,
        signal: controller.signal,
        onDelta: () => {
          if (++deltas === 3) controller.abort();
        },
      }),
    );
    assertOneLine(error, 'cancelled', 'request cancelled');
    await server.idle();
    assert.equal(server.requests[0].aborted, true);
    assert.ok(server.requests[0].chunksSent < 200, `server sent all ${server.requests[0].chunksSent} chunks`);
    assert.ok(deltas < 200);
  });

  it('reports cancellation before any answer arrived', async () => {
    server = await ScriptedModelServer.start({ replies: [{ content: 'late', delayMs: 30_000 }] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' });
    const controller = new AbortController();
    const pending = client.complete({ messages, signal: controller.signal });
    while (server.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    assertOneLine(await rejection(pending), 'cancelled', 'request cancelled');
    await server.idle();
    assert.equal(server.requests[0].aborted, true);
  });

  it('gives up on an endpoint that accepts the request but never answers', async () => {
    server = await ScriptedModelServer.start({ replies: [{ content: 'too late', delayMs: 30_000 }] });
    const client = new OpenAIModelClient(
      { baseUrl: server.url, model: 'm', apiKey: 'k' },
      { timeoutMs: 300, maxRetries: 0 },
    );
    const error = await rejection(client.complete({ messages }));
    assertOneLine(
      error,
      'unreachable',
      `cannot reach the model endpoint at ${server.url} (no answer within 0.3 s; a model slow to start needs a longer model timeout)`,
    );
  });

  it('does not retry a stall: the same endpoint would stall again, doubling the wait', async () => {
    server = await ScriptedModelServer.start({ replies: [{ content: 'too late', delayMs: 30_000 }, 'quick'] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' }, { timeoutMs: 300 });
    const error = await rejection(client.complete({ messages }));
    assert.equal(error.kind, 'unreachable');
    assert.match(error.message, /no answer within 0\.3 s/);
    assert.equal(server.requests.length, 1);
  });

  it('tells how long it has waited, every second, until the first token arrives', async () => {
    server = await ScriptedModelServer.start({ replies: [{ content: 'after a while', delayMs: 2_500 }] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' }, { timeoutMs: 10_000 });
    const waited: number[] = [];
    let deltas = 0;
    const response = await client.complete({
      messages,
      onWaiting: (elapsedMs) => {
        assert.equal(deltas, 0, 'no waiting news once tokens flow');
        waited.push(elapsedMs);
      },
      onDelta: () => deltas++,
    });
    assert.equal(response.content, 'after a while');
    assert.ok(waited.length >= 1, `waiting was reported (${waited.join(', ')})`);
    assert.deepEqual(
      [...waited].sort((a, b) => a - b),
      waited,
      'the elapsed time only grows',
    );
    assert.ok(waited[0]! >= 900);
  });

  it('gives up on an endpoint that stops sending mid-reply', async () => {
    server = await ScriptedModelServer.start({ replies: [{ content: 'slow and steady', chunkDelayMs: 30_000 }] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'm', apiKey: 'k' }, { timeoutMs: 300 });
    const error = await rejection(client.complete({ messages }));
    assertOneLine(
      error,
      'unreachable',
      `cannot reach the model endpoint at ${server.url} (the reply stalled for 0.3 s)`,
    );
  });

  it('ignores OPENAI_BASE_URL in the environment', async () => {
    server = await ScriptedModelServer.start({ replies: ['from the configured server'] });
    const decoy = await ScriptedModelServer.start({ replies: ['from the decoy'] });
    const saved = process.env.OPENAI_BASE_URL;
    process.env.OPENAI_BASE_URL = decoy.url;
    try {
      const client = new OpenAIModelClient(resolveModelConfig({ baseUrl: server.url, model: 'm', env: process.env }));
      assert.equal((await client.complete({ messages })).content, 'from the configured server');
      assert.equal(decoy.requests.length, 0);
      assert.equal(resolveModelConfig({ apiKey: 'k', env: process.env }).baseUrl, 'https://api.openai.com/v1');
    } finally {
      if (saved === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved;
      await decoy.close();
    }
  });

  it('lists the models the endpoint offers', async () => {
    server = await ScriptedModelServer.start({ models: ['qwen2.5-coder', 'llama3.1'] });
    const client = new OpenAIModelClient({ baseUrl: server.url, model: 'qwen2.5-coder', apiKey: 'k' });
    assert.deepEqual(await client.listModels(), ['qwen2.5-coder', 'llama3.1']);
  });

  it('refuses to build a client for a remote endpoint without a key', () => {
    assert.throws(
      () => new OpenAIModelClient({ baseUrl: 'https://api.openai.com/v1', model: 'm' }),
      (error: unknown) => error instanceof ModelError && error.kind === 'missing-key',
    );
  });
});
