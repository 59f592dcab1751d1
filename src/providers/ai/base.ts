/**
 * The AI provider contract (RoomKit §10.4): what an AI channel sends a model and what it gets back.
 * Node-side only (providers run inside activities); everything here is plain data except the
 * provider itself, so contexts can be recorded, copied and replayed in tests.
 */
import { RoomKitError } from '../../errors.js';
import type { AIMessage, AIToolCall, AIUsage, ChannelCapabilities } from '../../models/index.js';

// The message and tool-call shapes are plain data the workflow needs too, so they live in models;
// re-exported here so `providers/ai` stays the one import for everything AI.
export type {
  AIContentPart, AIImagePart, AIMessage, AIRole, AITextPart,
  AIThinkingPart, AIToolCall, AIToolCallPart, AIToolResultPart, AIUsage,
} from '../../models/index.js';

/** A tool the model may call; `parameters` is a JSON Schema object. */
export interface AITool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  tags?: string[];
}

/** One generation request. The system prompt travels apart from `messages` (providers place it). */
export interface AIContext {
  messages: AIMessage[];
  systemPrompt?: string;
  temperature?: number;
  maxTokens?: number;
  tools?: AITool[];
  /** What every transport of the room can show (intersection); undefined when there is none. */
  targetCapabilities?: ChannelCapabilities;
  /** Turn facts for providers (room id, event id — e.g. to derive vendor idempotency keys). */
  metadata?: Record<string, unknown>;
}

export interface AIResponse {
  content: string;
  finishReason?: string;
  usage?: AIUsage;
  toolCalls?: AIToolCall[];
  thinking?: string;
  thinkingSignature?: string;
  metadata?: Record<string, unknown>;
}

export interface AIGenerateOptions {
  /** Aborted when the activity is cancelled or times out; providers pass it to their HTTP client. */
  signal?: AbortSignal;
}

/**
 * One item of a streamed generation: text as it arrives, then exactly one `done` carrying the
 * whole response (full content, tool calls, usage) — the same shape `generate` returns.
 */
export type AIStreamEvent =
  | { type: 'text_delta'; delta: string }
  /** The model's reasoning as it comes (published to the room's UIs as `thinking_*`, never stored by itself). */
  | { type: 'thinking_delta'; delta: string }
  | { type: 'done'; response: AIResponse };

/**
 * A model behind one vendor API. Implementations do not retry (Temporal owns retries): they throw
 * {@link AIProviderError} with `retryable`/`retryAfterMs` and let the activity layer decide.
 */
export interface AIProvider {
  readonly name: string;
  readonly modelName: string;
  readonly supportsVision: boolean;
  generate(ctx: AIContext, options?: AIGenerateOptions): Promise<AIResponse>;
  /**
   * Optional streaming variant of `generate`: yields `text_delta`s, then one `done` whose response
   * is what `generate` would have returned. Errors are thrown from the iterator (same
   * {@link AIProviderError} contract). Providers without it are used through `generate` only.
   */
  generateStream?(ctx: AIContext, options?: AIGenerateOptions): AsyncIterable<AIStreamEvent>;
  close?(): Promise<void>;
}

/** HTTP statuses worth retrying (529 is Anthropic's "overloaded"). */
export const RETRYABLE_STATUS_CODES: readonly number[] = [408, 429, 500, 502, 503, 504, 529];

export interface AIProviderErrorOptions {
  provider: string;
  /** Defaults to whether `statusCode` is in {@link RETRYABLE_STATUS_CODES}. */
  retryable?: boolean;
  statusCode?: number;
  /** The prompt did not fit the model's context window (compact and replay, do not retry as is). */
  contextOverflow?: boolean;
  /** From a Retry-After header; becomes the activity's `nextRetryDelay`. */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * A provider call failed. The message is for logs and ON_ERROR, never for the room (RoomKit 0.38:
 * provider error strings must not be shown to participants).
 *
 * @example
 * throw new AIProviderError('rate limited', { provider: 'anthropic', statusCode: 429, retryAfterMs: 2000 });
 */
export class AIProviderError extends RoomKitError {
  readonly provider: string;
  readonly retryable: boolean;
  readonly statusCode?: number;
  readonly contextOverflow: boolean;
  readonly retryAfterMs?: number;

  constructor(message: string, options: AIProviderErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AIProviderError';
    this.provider = options.provider;
    this.statusCode = options.statusCode;
    this.retryable =
      options.retryable ?? (options.statusCode !== undefined && RETRYABLE_STATUS_CODES.includes(options.statusCode));
    this.contextOverflow = options.contextOverflow ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}
