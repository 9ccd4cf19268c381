import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ScriptedModelServer, type RecordedRequest, type ScriptedError } from '../../support/openai-server';

const repoRoot = path.resolve(__dirname, '../../..');

/** A Chat Completions answer as these tests read it: a success has `choices`, a refusal `error`. */
interface CompletionJson {
  object: string;
  model: string;
  choices: Array<{ index: number; message: { role: string; content: string }; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  error: ScriptedError['error'];
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as CompletionJson };
}

const hello = { model: 'scripted', messages: [{ role: 'user', content: 'Say hello please' }] };

describe('ScriptedModelServer (test stand-in for the model)', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers a non-streaming request like OpenAI, with usage from character counts', async () => {
    server = await ScriptedModelServer.start({ replies: ['Hello, world!'] });
    const { status, json } = await post(server.url, hello);
    assert.equal(status, 200);
    assert.equal(json.object, 'chat.completion');
    assert.equal(json.model, 'scripted');
    assert.deepEqual(json.choices, [
      { index: 0, message: { role: 'assistant', content: 'Hello, world!' }, finish_reason: 'stop' },
    ]);
    // 'Say hello please' is 16 chars -> 4 tokens; 'Hello, world!' is 13 chars -> 4 tokens.
    assert.deepEqual(json.usage, { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
    assert.equal(server.requests[0].streamed, false);
    assert.deepEqual(server.requests[0].body, hello);
  });

  it('answers 500 with a clear message once the script is used up', async () => {
    server = await ScriptedModelServer.start({ replies: ['only one'] });
    assert.equal((await post(server.url, hello)).status, 200);
    const { status, json } = await post(server.url, hello);
    assert.equal(status, 500);
    assert.match(json.error.message, /^scripted server has no reply left for request 2\b/);
  });

  it('serves replies in order, including enqueued ones, computed ones and scripted errors', async () => {
    server = await ScriptedModelServer.start({
      replies: [(request) => `you said: ${request.body?.messages?.[0].content as string}`],
    });
    server.enqueue({ status: 429, error: { message: 'Rate limit reached', code: 'rate_limit_exceeded' } }, 'third');
    assert.equal((await post(server.url, hello)).json.choices[0].message.content, 'you said: Say hello please');
    const limited = await post(server.url, hello);
    assert.equal(limited.status, 429);
    assert.equal(limited.json.error.message, 'Rate limit reached');
    assert.equal((await post(server.url, hello)).json.choices[0].message.content, 'third');
  });

  it('rejects an unknown model and a wrong key the way OpenAI does', async () => {
    server = await ScriptedModelServer.start({ replies: ['x'], models: ['gpt-4o-mini'], apiKey: 'sk-right' });
    const noKey = await post(server.url, { ...hello, model: 'gpt-4o-mini' });
    assert.equal(noKey.status, 401);
    assert.equal(noKey.json.error.code, 'invalid_api_key');
    const unknown = await post(server.url, hello, { authorization: 'Bearer sk-right' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.message, "The model 'scripted' does not exist");
    assert.equal(unknown.json.error.code, 'model_not_found');
    // Neither rejection used up the scripted reply.
    const ok = await post(server.url, { ...hello, model: 'gpt-4o-mini' }, { authorization: 'Bearer sk-right' });
    assert.equal(ok.json.choices[0].message.content, 'x');
    assert.equal(server.requests.length, 3);
  });

  it('lists the configured models', async () => {
    server = await ScriptedModelServer.start({ models: ['a-model', 'b-model'] });
    const json = (await (await fetch(`${server.url}/models`)).json()) as { data: Array<{ id: string }> };
    assert.deepEqual(
      json.data.map((model) => model.id),
      ['a-model', 'b-model'],
    );
  });

  it('streams server-sent events: role, several content chunks, finish, usage, [DONE]', async () => {
    server = await ScriptedModelServer.start({ replies: ['one two three'] });
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ ...hello, stream: true, stream_options: { include_usage: true } }),
    });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    assert.equal(events.at(-1), 'data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, '')));
    const contents = chunks.map((chunk) => chunk.choices[0]?.delta.content).filter(Boolean);
    assert.deepEqual(contents, ['one ', 'two ', 'three']);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
    assert.deepEqual(chunks.at(-1).usage, { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
  });

  it('can be driven from another process through its control routes', async () => {
    server = await ScriptedModelServer.start();
    const root = server.url.replace(/\/v1$/, '');
    await fetch(`${root}/__control/enqueue`, { method: 'POST', body: JSON.stringify(['from afar']) });
    assert.equal((await post(server.url, hello)).json.choices[0].message.content, 'from afar');
    const recorded = (await (await fetch(`${root}/__control/requests`)).json()) as RecordedRequest[];
    assert.deepEqual(
      recorded.map((request) => request.body?.messages?.[0].content),
      ['Say hello please'],
    );
  });

  it('runs standalone and prints the URL it listens on', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'scripted-server-'));
    const script = path.join(dir, 'replies.json');
    await writeFile(script, JSON.stringify(['from the script']));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/openai-server.ts', '--port', '0', '--script', script],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = await Promise.race([
        (async () => {
          for await (const text of createInterface({ input: child.stdout })) return [text];
          return ['(no output)'];
        })(),
        new Promise<string[]>((_, reject) =>
          child.once('exit', (code) => reject(new Error(`server exited with ${code}`))),
        ),
      ]);
      const match = /^listening (http:\/\/127\.0\.0\.1:\d+\/v1)$/.exec(line);
      assert.ok(match, `unexpected first line: ${line}`);
      assert.equal((await post(match[1], hello)).json.choices[0].message.content, 'from the script');
    } finally {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
