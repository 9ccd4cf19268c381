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
  /** Called with each streamed piece of text, in order. */
  onDelta?: (text: string, soFar: number) => void;
  /** Called every second until the first token arrives, with the time since the request was sent. */
  onWaiting?: (elapsedMs: number) => void;
}

export interface ChatResponse {
  content: string;
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
}

/** The kinds of error a model endpoint produces; see `ErrorKind` for what each means to a host. */
export type ModelErrorKind = Extract<
  ErrorKind,
  'missing-key' | 'bad-key' | 'unreachable' | 'unknown-model' | 'rate-limited' | 'bad-response' | 'cancelled' | 'server'
>;

/** Errors meant for a person: `message` is one line, no stack needed. */
export class ModelError extends SelfRepairError {
  declare readonly kind: ModelErrorKind;

  constructor(kind: ModelErrorKind, message: string) {
    super(kind, message);
    this.name = 'ModelError';
  }
}
