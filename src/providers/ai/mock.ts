/**
 * A scripted AI provider for tests and examples. It behaves like a real one where it matters to the
 * callers: it can be slow, honours the abort signal, fails with a configured error, and records
 * every context it was given (deep-copied, so later mutation by the caller cannot rewrite history).
 */
import type { AIContext, AIGenerateOptions, AIProvider, AIProviderError, AIResponse } from './base.js';

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
  private next = 0;

  constructor(options: MockAIProviderOptions = {}) {
    this.responses = options.responses && options.responses.length > 0 ? [...options.responses] : ['Hello!'];
    this.aiResponses = options.aiResponses ? structuredClone(options.aiResponses) : [];
    this.supportsVision = options.vision ?? false;
    this.error = options.error;
    this.delayMs = options.delayMs ?? 0;
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

  /** Forget recorded calls and restart the round-robin. */
  reset(): void {
    this.calls.length = 0;
    this.next = 0;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
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
