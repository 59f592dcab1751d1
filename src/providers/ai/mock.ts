/**
 * A scripted AI provider for tests and examples. It behaves like a real one where it matters to the
 * callers: it can be slow, honours the abort signal, fails with a configured error, and records
 * every context it was given (deep-copied, so later mutation by the caller cannot rewrite history).
 */
import type { AIContext, AIGenerateOptions, AIProvider, AIProviderError, AIResponse, AIStreamEvent } from './base.js';

/** A failure in the middle of a streamed answer: thrown after `afterChunks` deltas were yielded. */
export interface MockStreamError {
  afterChunks: number;
  error: AIProviderError;
}

export interface MockAIProviderOptions {
  /** Reply texts, used round-robin. Default `['Hello!']`. */
  responses?: string[];
  /** Full scripted responses (tool calls, usage…), used round-robin; take precedence over `responses`. */
  aiResponses?: AIResponse[];
  vision?: boolean;
  /** Thrown on every call, or computed per call (`undefined` ⇒ answer normally). */
  error?: AIProviderError | (() => AIProviderError | undefined);
  /** Simulated latency before answering (abortable). */
  delayMs?: number;
  /**
   * Offer `generateStream`: the scripted response's content arrives in a few `text_delta`s (word by
   * word; a single word is split in two), then `done` with the whole response. Default false, in
   * which case the provider has no `generateStream` at all.
   */
  streaming?: boolean;
  /** Pause between two deltas when streaming (abortable). Default 0. */
  chunkDelayMs?: number;
  /** Fail a streamed answer midway, on every call or per call (`undefined` ⇒ stream normally). */
  streamError?: MockStreamError | (() => MockStreamError | undefined);
}

/**
 * @example
 * const provider = new MockAIProvider({ responses: ['Hi', 'Bye'] });
 * await provider.generate({ messages: [{ role: 'user', content: 'hello' }] }); // → { content: 'Hi', … }
 * provider.calls.length; // 1
 */
export class MockAIProvider implements AIProvider {
  readonly name = 'mock';
  readonly modelName = 'mock-model';
  readonly supportsVision: boolean;
  readonly calls: AIContext[] = [];
  private readonly responses: string[];
  private readonly aiResponses: AIResponse[];
  private readonly error?: MockAIProviderOptions['error'];
  private readonly delayMs: number;
  private readonly chunkDelayMs: number;
  private readonly streamError?: MockProviderStreamError;
  private next = 0;
  /** Present only with `streaming: true`, so callers can tell a streaming provider by this method. */
  readonly generateStream?: (ctx: AIContext, options?: AIGenerateOptions) => AsyncIterable<AIStreamEvent>;
  /** Unset by default; tests assign one to observe `kit.close()`. */
  close?: () => Promise<void>;

  constructor(options: MockAIProviderOptions = {}) {
    this.responses = options.responses && options.responses.length > 0 ? [...options.responses] : ['Hello!'];
    this.aiResponses = options.aiResponses ? structuredClone(options.aiResponses) : [];
    this.supportsVision = options.vision ?? false;
    this.error = options.error;
    this.delayMs = options.delayMs ?? 0;
    this.chunkDelayMs = options.chunkDelayMs ?? 0;
    this.streamError = options.streamError;
    if (options.streaming) this.generateStream = (ctx, opts) => this.stream(ctx, opts);
  }

  async generate(ctx: AIContext, options: AIGenerateOptions = {}): Promise<AIResponse> {
    this.calls.push(structuredClone(ctx));
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.delayMs > 0) await sleep(this.delayMs, signal);
    const error = typeof this.error === 'function' ? this.error() : this.error;
    if (error) throw error;
    const turn = this.next++;
    if (this.aiResponses.length > 0) return structuredClone(this.aiResponses[turn % this.aiResponses.length]);
    return { content: this.responses[turn % this.responses.length], finishReason: 'stop', usage: { inputTokens: 0, outputTokens: 0 } };
  }

  /** One streamed answer: recorded, delayed and failed like `generate`, then cut into deltas. */
  private async *stream(ctx: AIContext, options: AIGenerateOptions = {}): AsyncGenerator<AIStreamEvent> {
    const { signal } = options;
    const response = await this.generate(ctx, options);
    const failure = typeof this.streamError === 'function' ? this.streamError() : this.streamError;
    // A scripted `thinking` streams first, as a reasoning model's does.
    for (const delta of response.thinking ? splitDeltas(response.thinking) : []) {
      if (this.chunkDelayMs > 0) await sleep(this.chunkDelayMs, signal);
      yield { type: 'thinking_delta', delta };
    }
    const deltas = splitDeltas(response.content);
    for (let i = 0; i < deltas.length; i++) {
      if (failure && i >= failure.afterChunks) throw failure.error;
      if (i > 0 && this.chunkDelayMs > 0) await sleep(this.chunkDelayMs, signal);
      signal?.throwIfAborted();
      yield { type: 'text_delta', delta: deltas[i] };
    }
    if (failure) throw failure.error;
    yield { type: 'done', response };
  }

  /** Forget recorded calls and restart the round-robin. */
  reset(): void {
    this.calls.length = 0;
    this.next = 0;
  }
}

type MockProviderStreamError = MockAIProviderOptions['streamError'];

/** Word by word (each word keeps its trailing whitespace); one word alone is cut in two. */
function splitDeltas(text: string): string[] {
  if (!text) return [];
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  if (words.length > 1 || text.length < 2) return words;
  const half = Math.ceil(text.length / 2);
  return [text.slice(0, half), text.slice(half)];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
