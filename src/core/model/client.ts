import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import { isLoopbackUrl, LOCAL_PLACEHOLDER_KEY, MISSING_KEY_MESSAGE, type ModelConfig } from './config';
import { MODEL_TIMEOUT_MS } from '../settings';
import { oneLine } from '../text';
import { ModelError, type ChatRequest, type ChatResponse, type ModelClient, type TokenUsage } from './types';

export interface ModelClientOptions {
  /**
   * Longest silence from the endpoint: from sending the request to its first byte, and then between
   * streamed chunks. Default 30 s (see MODEL_TIMEOUT in settings.ts). A stall ends the request without
   * a retry: the same endpoint would most likely stall again, and the user would wait twice as long.
   */
  timeoutMs?: number;
  /** Retries of refused connections, 408/409/429 and 5xx answers (the SDK's policy). Default 1. */
  maxRetries?: number;
}

/** Node's fetch (undici) gives up on a TCP connect after 10 s; the SDK then reports a connection timeout. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** How often `onWaiting` hears how long the request has waited for its first token. */
export const WAITING_TICK_MS = 1_000;

/** What a streamed reply amounts to once it ends. */
interface StreamedReply {
  /** Text of each reply, by the choice's index. */
  choices: string[];
  /** As the endpoint reported it in its last chunk; absent when it reports none. */
  usage?: TokenUsage;
  model: string;
  finishReason?: string;
}

/** A chat model behind any OpenAI-compatible endpoint (OpenAI, Ollama, LM Studio, vLLM, llama.cpp, Azure). */
export class OpenAIModelClient implements ModelClient {
  readonly model: string;
  readonly baseUrl: string;
  private readonly openai: OpenAI;
  private readonly timeoutMs: number;
  /**
   * What the endpoint did with `n` the last time it was asked for more than one reply: `unknown` until
   * then; `ignored` (one reply back, as Ollama and llama.cpp do) or `refused` (a 400) make later turns
   * send parallel requests straight away.
   */
  private nSupport: 'unknown' | 'honoured' | 'ignored' | 'refused' = 'unknown';

  constructor(config: ModelConfig, options: ModelClientOptions = {}) {
    this.model = config.model;
    this.baseUrl = config.baseUrl;
    this.timeoutMs = options.timeoutMs ?? MODEL_TIMEOUT_MS;
    const apiKey = config.apiKey || (isLoopbackUrl(config.baseUrl) ? LOCAL_PLACEHOLDER_KEY : undefined);
    if (!apiKey) throw new ModelError('missing-key', MISSING_KEY_MESSAGE);
    // Everything explicit: the SDK would otherwise fill gaps from OPENAI_BASE_URL, OPENAI_ORG_ID, ...
    this.openai = new OpenAI({
      apiKey,
      baseURL: config.baseUrl,
      organization: null,
      project: null,
      maxRetries: options.maxRetries ?? 1,
      // Our own silence timer (complete()) ends a stall first; the SDK's would retry it, doubling the wait.
      timeout: this.timeoutMs * 2 + CONNECT_TIMEOUT_MS,
    });
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const started = Date.now();
    const silence = new SilenceWatch(this.timeoutMs, started, request.onWaiting);
    const signal = request.signal ? AbortSignal.any([request.signal, silence.signal]) : silence.signal;
    let reply: StreamedReply;
    try {
      reply = await this.stream(request, signal, silence);
    } catch (error) {
      throw this.toModelError(error, request.signal, silence);
    } finally {
      silence.stop();
    }
    if (request.signal?.aborted) throw cancelled();
    if (silence.signal.aborted) throw this.stalled(silence);
    const choices = Array.from(reply.choices, (text) => text ?? '');
    if (!choices.some((text) => text.trim())) {
      throw new ModelError('bad-response', `the model "${this.model}" at ${this.baseUrl} returned an empty reply`);
    }
    return {
      content: choices[0]!,
      choices,
      usage: reply.usage ?? { ...estimateUsage(request, choices.join('')), estimated: true },
      model: reply.model,
      durationMs: Date.now() - started,
      ...(reply.finishReason && { finishReason: reply.finishReason }),
    };
  }

  /** Sends the request and gathers the streamed reply, telling `silence` whenever the endpoint shows signs of life. */
  private async stream(request: ChatRequest, signal: AbortSignal, silence: SilenceWatch): Promise<StreamedReply> {
    request.onSent?.();
    const reply: StreamedReply = { choices: [], model: this.model };
    const n = request.n ?? 1;
    const stream = await this.openai.chat.completions.create(
      {
        model: this.model,
        messages: request.messages,
        stream: true,
        stream_options: { include_usage: true },
        // Only when asked: some models reject any temperature or max_tokens at all.
        ...(request.temperature !== undefined && { temperature: request.temperature }),
        ...(request.maxTokens !== undefined && { max_tokens: request.maxTokens }),
        ...(n > 1 && { n }),
      },
      { signal },
    );
    silence.heard();
    // On abort the SDK ends the iteration quietly instead of throwing; complete() checks the signals after.
    for await (const chunk of stream) {
      silence.heard();
      if (chunk.model) reply.model = chunk.model;
      if (chunk.usage)
        reply.usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
      // With n > 1 the replies' pieces arrive interleaved, each choice naming its index.
      for (const choice of chunk.choices) {
        const index = choice.index ?? 0;
        if (index === 0 && choice.finish_reason) reply.finishReason = choice.finish_reason;
        const text = choice.delta?.content;
        if (!text) continue;
        silence.firstToken();
        reply.choices[index] = (reply.choices[index] ?? '') + text;
        request.onDelta?.(text, reply.choices[index].length, index);
      }
    }
    return reply;
  }

  async completeMany(request: ChatRequest, count: number): Promise<ChatResponse[]> {
    const responses: ChatResponse[] = [];
    if (count > 1 && (this.nSupport === 'unknown' || this.nSupport === 'honoured')) {
      try {
        const response = await this.complete({ ...request, n: count });
        responses.push(response);
        this.nSupport = (response.choices?.length ?? 1) >= count ? 'honoured' : 'ignored';
      } catch (error) {
        // A 400 (422 for some validators) to a request that only differs in `n`: the endpoint refuses n.
        if (!(error instanceof ModelError && (error.status === 400 || error.status === 422))) throw error;
        this.nSupport = 'refused';
      }
    }
    const got = responses.reduce((sum, r) => sum + (r.choices?.length ?? 1), 0);
    const rest = Array.from({ length: Math.max(0, count - got) }, (_, i) => {
      const offset = got + i;
      const onDelta = request.onDelta;
      return this.complete({
        ...request,
        n: undefined,
        onDelta: onDelta && ((text, soFar) => onDelta(text, soFar, offset)),
      });
    });
    return [...responses, ...(await Promise.all(rest))];
  }

  /** Model ids the endpoint offers (for a model picker, or to check a configuration). */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const ids: string[] = [];
      for await (const model of this.openai.models.list({ signal })) ids.push(model.id);
      return ids;
    } catch (error) {
      throw this.toModelError(error, signal);
    }
  }

  private toModelError(error: unknown, signal?: AbortSignal, silence?: SilenceWatch): ModelError {
    if (error instanceof ModelError) return error;
    if (signal?.aborted) return cancelled();
    if (silence?.signal.aborted) return this.stalled(silence);
    if (error instanceof APIUserAbortError) return cancelled();
    // Our silence timer ends every wait for an answer before the SDK's; what is left is the connect timeout.
    if (error instanceof APIConnectionTimeoutError) {
      return this.unreachable(`could not connect within ${seconds(CONNECT_TIMEOUT_MS)}`);
    }
    if (error instanceof APIConnectionError) return this.unreachable(causeCode(error) ?? 'connection failed');
    if (error instanceof APIError) return this.statusError(error as APIError);
    // Anything else that isn't about the reply (say, an onDelta callback that threw) is not ours to reword.
    if (!(error instanceof OpenAIError || error instanceof SyntaxError)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return new ModelError(
      'bad-response',
      `unreadable reply from the model endpoint at ${this.baseUrl}: ${oneLine(message, 200)}`,
    );
  }

  private statusError(error: APIError): ModelError {
    const status = error.status;
    const detail = oneLine(serverMessage(error), 200);
    if (status === 401 || status === 403) {
      return new ModelError('bad-key', `the model endpoint rejected the API key (${status})`);
    }
    const aboutModel = /model/i.test(detail) && /not (found|exist)|does ?n[o']t exist|unknown|no such/i.test(detail);
    if (status === 404 || aboutModel) {
      // A 404 that doesn't mention the model more likely means a base URL missing its /v1.
      const hint = aboutModel
        ? ''
        : ` (404: check the model name, and that the base URL is right, usually ending in /v1)`;
      return new ModelError('unknown-model', `unknown model "${this.model}" at ${this.baseUrl}${hint}`);
    }
    if (status === 429) {
      return new ModelError(
        'rate-limited',
        `the model endpoint is rate-limiting requests (429)${detail ? `: ${detail}` : ''}`,
      );
    }
    return new ModelError(
      'server',
      `model endpoint error ${status ?? 'in stream'}${detail ? `: ${detail}` : ''}`,
      status,
    );
  }

  private unreachable(why: string): ModelError {
    return new ModelError('unreachable', `cannot reach the model endpoint at ${this.baseUrl} (${why})`);
  }

  /** One line naming the stall, and the setting that allows a slower model more time. */
  private stalled(silence: SilenceWatch): ModelError {
    if (silence.answered) return this.unreachable(`the reply stalled for ${seconds(this.timeoutMs)}`);
    return this.unreachable(
      `no answer within ${seconds(this.timeoutMs)}; a model slow to start needs a longer model timeout`,
    );
  }
}

/**
 * Ends a request when the endpoint stays silent for `limitMs` (before its first byte, or between
 * chunks), and tells `onWaiting` every second how long the request has waited for its first token.
 */
class SilenceWatch {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** Whether the endpoint has sent anything (headers count). */
  answered = false;

  constructor(
    private readonly limitMs: number,
    started: number,
    onWaiting?: (elapsedMs: number) => void,
  ) {
    this.arm();
    if (onWaiting) this.ticker = setInterval(() => onWaiting(Date.now() - started), WAITING_TICK_MS);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  heard(): void {
    this.answered = true;
    this.arm();
  }

  firstToken(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  stop(): void {
    clearTimeout(this.timer);
    clearInterval(this.ticker);
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(), this.limitMs);
  }
}

function cancelled(): ModelError {
  return new ModelError('cancelled', 'request cancelled');
}

/** The system-level code (ECONNREFUSED, ENOTFOUND, ...) buried in fetch's chain of causes. */
function causeCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const { code, errors } = current as { code?: unknown; errors?: unknown[] };
    if (typeof code === 'string' && code) return code;
    // Happy-eyeballs connects fail with an AggregateError whose members carry the codes.
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = causeCode(errors[0]);
      if (inner) return inner;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function serverMessage(error: APIError): string {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string') return body.message;
  // The SDK prefixes its message with the status; that is already in ours.
  return error.message.replace(/^\d{3}\s*/, '').replace(/^status code \(no body\)$/, '');
}

function seconds(ms: number): string {
  return `${ms < 10_000 ? Number((ms / 1000).toFixed(1)) : Math.round(ms / 1000)} s`;
}

function estimateUsage(request: ChatRequest, content: string): TokenUsage {
  const promptChars = request.messages.reduce((sum, message) => sum + message.content.length, 0);
  return { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil(content.length / 4) };
}
