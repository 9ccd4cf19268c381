/**
 * A scripted stand-in for an OpenAI-compatible chat model: a real HTTP server on 127.0.0.1 speaking the
 * Chat Completions API (streaming and not), answering with replies a test scripted in advance.
 *
 * In-process:  const server = await ScriptedModelServer.start({ replies: ['hello'] }); ... await server.close();
 * Standalone:  node --import tsx test/support/openai-server.ts --port 0 --script replies.json [--models a,b] [--api-key k]
 *              [--n ignore|honour|refuse]
 *              prints `listening http://127.0.0.1:PORT/v1` on stdout. A separate process (e.g. a VS Code E2E test)
 *              can append replies with `POST /__control/enqueue` (JSON array) and read what the server received
 *              with `GET /__control/requests`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface ScriptedError {
  status: number;
  error: { message: string; type?: string; code?: string; param?: string };
}

export interface ScriptedContent {
  content: string;
  /** Wait before answering at all (before the response headers). */
  delayMs?: number;
  /** Wait between streamed chunks. */
  chunkDelayMs?: number;
  /** Leave usage out even when asked for it, as some local servers do. */
  omitUsage?: boolean;
}

export type ScriptedReply =
  string | ScriptedContent | ScriptedError | ((request: RecordedRequest) => ScriptedReply | Promise<ScriptedReply>);

export interface ChatBody {
  model?: string;
  messages?: { role: string; content: unknown }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  [key: string]: unknown;
}

export interface RecordedRequest {
  /** 1-based position among all requests the server received. */
  index: number;
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body; undefined when there was none or it was not JSON. */
  body: ChatBody | undefined;
  streamed: boolean;
  /** The client went away before the reply was complete. */
  aborted: boolean;
  /** Content chunks written so far (streaming only). */
  chunksSent: number;
}

export interface ScriptedServerOptions {
  replies?: ScriptedReply[];
  /** When given, other model names get 404 model_not_found, and GET /v1/models lists these. */
  models?: string[];
  /** When given, requests must carry `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  port?: number;
  /**
   * What a request asking for `n` > 1 replies gets: `ignore` (the default, as Ollama and llama.cpp do): one
   * reply; `honour`: the next n scripted replies, as the request's n choices (streamed interleaved, by
   * index); `refuse`: 400, as endpoints that reject the parameter do, using up no reply.
   */
  n?: 'ignore' | 'honour' | 'refuse';
}

export class ScriptedModelServer {
  readonly requests: RecordedRequest[] = [];
  readonly url: string;
  private readonly replies: ScriptedReply[];
  private repliesUsed = 0;
  private readonly inFlight = new Set<Promise<void>>();

  private constructor(
    private readonly server: http.Server,
    private readonly options: ScriptedServerOptions,
  ) {
    this.replies = [...(options.replies ?? [])];
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  }

  static async start(options: ScriptedServerOptions = {}): Promise<ScriptedModelServer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const scripted = new ScriptedModelServer(server, options);
    server.on('request', (req, res) => {
      const handled = scripted.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendError(res, 500, { message: `scripted server failed: ${String(error)}` });
        else res.destroy();
      });
      scripted.inFlight.add(handled);
      void handled.finally(() => scripted.inFlight.delete(handled));
    });
    return scripted;
  }

  enqueue(...replies: ScriptedReply[]): void {
    this.replies.push(...replies);
  }

  /** Resolves once every request received so far has been answered or abandoned by its client. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Keep-alive and half-finished streams would otherwise hold close() open.
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];

    if (path.startsWith('/__control/')) return this.control(req.method, path, raw, res);

    let body: ChatBody | undefined;
    try {
      body = raw ? (JSON.parse(raw) as ChatBody) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      index: this.requests.length + 1,
      method: req.method ?? 'GET',
      path,
      headers: req.headers,
      body,
      streamed: body?.stream === true,
      aborted: false,
      chunksSent: 0,
    };
    this.requests.push(record);

    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) {
        record.aborted = true;
        gone.abort();
      }
    });

    const { apiKey, models } = this.options;
    if (apiKey !== undefined && req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendError(res, 401, {
        message: 'Incorrect API key provided',
        type: 'invalid_request_error',
        code: 'invalid_api_key',
      });
    }
    if (req.method === 'GET' && path === '/v1/models') {
      return sendJson(res, 200, {
        object: 'list',
        data: (models ?? []).map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })),
      });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return sendError(res, 404, { message: `no route for ${req.method} ${path}`, type: 'invalid_request_error' });
    }
    if (!body || !Array.isArray(body.messages) || typeof body.model !== 'string') {
      return sendError(res, 400, {
        message: 'the request body must be JSON with "model" and "messages"',
        type: 'invalid_request_error',
      });
    }
    if (models && !models.includes(body.model)) {
      return sendError(res, 404, {
        message: `The model '${body.model}' does not exist`,
        type: 'invalid_request_error',
        code: 'model_not_found',
      });
    }

    const asked = typeof body.n === 'number' && body.n > 1 ? body.n : 1;
    if (asked > 1 && this.options.n === 'refuse') {
      return sendError(res, 400, {
        message: "'n' is not supported: ask for one completion per request",
        type: 'invalid_request_error',
        param: 'n',
      });
    }
    const replies = await this.takeReplies(this.options.n === 'honour' ? asked : 1, record);
    if ('status' in replies) return sendError(res, replies.status, replies.error);

    try {
      const delayMs = Math.max(0, ...replies.map((r) => r.delayMs ?? 0));
      if (delayMs) await sleep(delayMs, undefined, { signal: gone.signal });
      if (record.streamed) await this.stream(res, body, replies, record, gone.signal);
      else sendJson(res, 200, completion(body, replies));
    } catch (error) {
      if (!gone.signal.aborted) throw error;
    }
  }

  /** The next `count` scripted replies, resolved; the first scripted error instead, if any. */
  private async takeReplies(count: number, record: RecordedRequest): Promise<ScriptedContent[] | ScriptedError> {
    const taken: ScriptedContent[] = [];
    for (let i = 0; i < count; i++) {
      const position = ++this.repliesUsed;
      let reply = this.replies.shift();
      if (reply === undefined) {
        const message = `scripted server has no reply left for request ${record.index} (the script held ${position - 1})`;
        return { status: 500, error: { message, type: 'server_error' } };
      }
      while (typeof reply === 'function') reply = await reply(record);
      if (typeof reply === 'string') reply = { content: reply };
      if ('status' in reply) return reply;
      taken.push(reply);
    }
    return taken;
  }

  private async stream(
    res: http.ServerResponse,
    body: ChatBody,
    replies: ScriptedContent[],
    record: RecordedRequest,
    gone: AbortSignal,
  ): Promise<void> {
    const id = `chatcmpl-scripted-${record.index}`;
    const created = Math.floor(Date.now() / 1000);
    const withUsage = body.stream_options?.include_usage === true && !replies.some((r) => r.omitUsage);
    const chunk = (delta: object, finishReason: string | null = null, index = 0) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: [{ index, delta, finish_reason: finishReason }],
      ...(withUsage ? { usage: null } : {}),
    });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    replies.forEach((_, index) => send(chunk({ role: 'assistant', content: '' }, null, index)));
    // Several choices stream interleaved, a piece of each in turn, as endpoints that honour n do.
    const pieces = replies.map((r) => splitIntoChunks(r.content));
    const chunkDelayMs = Math.max(0, ...replies.map((r) => r.chunkDelayMs ?? 0));
    for (let step = 0; step < Math.max(0, ...pieces.map((p) => p.length)); step++) {
      for (const [index, list] of pieces.entries()) {
        if (step >= list.length) continue;
        if (record.chunksSent > 0 && chunkDelayMs) await sleep(chunkDelayMs, undefined, { signal: gone });
        if (gone.aborted) return;
        send(chunk({ content: list[step] }, null, index));
        record.chunksSent++;
      }
    }
    replies.forEach((_, index) => send(chunk({}, 'stop', index)));
    const contents = replies.map((r) => r.content);
    if (withUsage) send({ ...chunk({}), choices: [], usage: usage(body, contents) });
    res.end('data: [DONE]\n\n');
  }

  private control(method: string | undefined, path: string, raw: string, res: http.ServerResponse): void {
    if (method === 'POST' && path === '/__control/enqueue') {
      const replies: unknown = JSON.parse(raw || '[]');
      if (!Array.isArray(replies)) return sendError(res, 400, { message: 'enqueue expects a JSON array of replies' });
      this.enqueue(...(replies as ScriptedReply[]));
      return sendJson(res, 200, { queued: this.replies.length });
    }
    if (method === 'GET' && path === '/__control/requests') return sendJson(res, 200, this.requests);
    sendError(res, 404, { message: `no control route ${method} ${path}` });
  }
}

/** Word-sized pieces, so any reply of a few words streams as several chunks. */
export function splitIntoChunks(content: string): string[] {
  return content.match(/\S+\s*|\s+/g) ?? [];
}

function completion(body: ChatBody, replies: ScriptedContent[]) {
  const contents = replies.map((r) => r.content);
  return {
    id: `chatcmpl-scripted-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: contents.map((content, index) => ({
      index,
      message: { role: 'assistant', content },
      finish_reason: 'stop',
    })),
    ...(replies.some((r) => r.omitUsage) ? {} : { usage: usage(body, contents) }),
  };
}

/** The prompt counts once however many replies one request asked for; the replies' tokens add up. */
function usage(body: ChatBody, contents: string[]) {
  const promptChars = (body.messages ?? []).reduce((sum, message) => sum + textOf(message.content).length, 0);
  const prompt_tokens = Math.ceil(promptChars / 4);
  const completion_tokens = contents.reduce((sum, content) => sum + Math.ceil(content.length / 4), 0);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => (typeof part?.text === 'string' ? part.text : '')).join('');
  return '';
}

function sendJson(res: http.ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

function sendError(res: http.ServerResponse, status: number, error: ScriptedError['error']): void {
  sendJson(res, status, { error: { type: null, code: null, param: null, ...error } });
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      script: { type: 'string' },
      models: { type: 'string' },
      'api-key': { type: 'string' },
      n: { type: 'string' },
    },
  });
  const nModes = ['ignore', 'honour', 'refuse'] as const;
  const n = nModes.find((mode) => mode === values.n);
  if (values.n !== undefined && !n) throw new Error(`--n must be one of ${nModes.join(', ')}, got "${values.n}"`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0) throw new Error(`--port must be a port number, got "${values.port}"`);
  const replies: unknown = values.script ? JSON.parse(readFileSync(values.script, 'utf8')) : [];
  if (!Array.isArray(replies)) throw new Error(`--script ${values.script} must hold a JSON array of replies`);
  const server = await ScriptedModelServer.start({
    port,
    replies: replies as ScriptedReply[],
    models: values.models
      ?.split(',')
      .map((name) => name.trim())
      .filter(Boolean),
    apiKey: values['api-key'],
    n,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void server.close().then(() => process.exit(0)));
  }
  process.stdout.write(`listening ${server.url}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`openai-server: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
