/** What the repair loop needs from a chat model. */

import { SelfRepairError, type ErrorKind } from '../errors';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
  /** Replies asked for in this one request (the API's `n`): the prompt is read, and paid for, once. Default 1. */
  n?: number;
  /** Called with each streamed piece of text, in order; `choice` is the reply's 0-based index among those asked for. */
  onDelta?: (text: string, soFar: number, choice: number) => void;
  /** Called as each HTTP request is sent (`completeMany` may send several). */
  onSent?: () => void;
  /** Called every second until the first token arrives, with the time since the request was sent. */
  onWaiting?: (elapsedMs: number) => void;
}

export interface ChatResponse {
  /** The first reply. */
  content: string;
  /** Every reply the endpoint gave, by index (`content` first); more than one only when `n` was asked and honoured. */
  choices?: string[];
  /** From the endpoint when it reports it; otherwise estimated (chars / 4) and `estimated` is true. */
  usage: TokenUsage & { estimated?: boolean };
  model: string;
  durationMs: number;
  /** As the endpoint reported it, e.g. 'stop', or 'length' when the reply was cut off at maxTokens. */
  finishReason?: string;
}

export interface ModelClient {
  readonly model: string;
  readonly baseUrl: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
  /**
   * `count` replies to one prompt, in as few requests as the endpoint allows: one request with `n` where it
   * takes it, else parallel requests. One response per request sent; their `choices` hold the replies.
   * Optional: a client without it is asked `count` times.
   */
  completeMany?(request: ChatRequest, count: number): Promise<ChatResponse[]>;
}

/** The kinds of error a model endpoint produces; see `ErrorKind` for what each means to a host. */
export type ModelErrorKind = Extract<
  ErrorKind,
  'missing-key' | 'bad-key' | 'unreachable' | 'unknown-model' | 'rate-limited' | 'bad-response' | 'cancelled' | 'server'
>;

/** Errors meant for a person: `message` is one line, no stack needed. */
export class ModelError extends SelfRepairError {
  declare readonly kind: ModelErrorKind;

  constructor(
    kind: ModelErrorKind,
    message: string,
    /** The endpoint's HTTP status, when it answered with an error. */
    readonly status?: number,
  ) {
    super(kind, message);
    this.name = 'ModelError';
  }
}
