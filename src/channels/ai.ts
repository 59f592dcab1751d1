/**
 * The AI channel (RoomKit §10): an intelligence channel that answers room messages with a model's
 * reply. Runs node-side inside the room's "channel reacts" activity; the room stamps and commits the
 * returned drafts. Provider errors are thrown, not swallowed, so the activity layer can classify
 * them (retry, give up, record ON_ERROR) — RoomKit once hid them as empty answers.
 */
import type { ChannelBinding, ChannelCapabilities, ChannelOutput, ChannelType, Room, RoomEvent } from '../models/index.js';
import { AIProviderError, type AIContext, type AIGenerateOptions, type AIMessage, type AIProvider, type AIResponse, type AITool } from '../providers/ai/base.js';
import { isToolCallEvent } from '../core/events.js';
import { buildAIContext } from './ai-context.js';
import { Channel } from './channel.js';
import type { RoomContext } from './room-context.js';

export interface AIChannelOptions {
  provider: AIProvider;
  systemPrompt?: string;
  /** Default 0.7. */
  temperature?: number;
  maxTokens?: number;
  /** How many earlier visible messages the model sees. Default 50. */
  maxContextEvents?: number;
  /** Names of kit tools (`kit.tool(...)`) this AI may call; a binding's `metadata.tools` overrides. */
  tools?: string[];
  /** Tool rounds in one turn before the loop stops with `max_rounds` (RoomKit default 200). */
  maxToolRounds?: number;
  /** Wall-clock budget of one turn's tool loop, in seconds (default 300). */
  toolLoopTimeoutSeconds?: number;
}

/** Per-round input of `AIChannel.generate`: what the tool loop added to the conversation so far. */
export interface GenerateTurnOptions extends AIGenerateOptions {
  turn?: AIMessage[];
  tools?: AITool[];
  /** Fewer earlier messages than `maxContextEvents` (used to compact after a context overflow). */
  historyLimit?: number;
  /**
   * Stream the answer: with a provider that has `generateStream`, called once per text delta with
   * the text so far (the returned response is still the whole answer). Ignored otherwise.
   */
  onDelta?: (delta: string, textSoFar: string) => void;
  /** With `onDelta`: called per reasoning delta of a model that streams its thinking. */
  onThinking?: (delta: string) => void;
}

function noResponse(): ChannelOutput {
  return { responded: false, responseEvents: [] };
}

/**
 * @example
 * const ai = new AIChannel('assistant', { provider: new MockAIProvider({ responses: ['Hi!'] }), systemPrompt: 'Be brief.' });
 * kit.registerChannel(ai);
 */
export class AIChannel extends Channel {
  readonly channelType: ChannelType = 'ai';
  override readonly category = 'intelligence' as const;
  readonly provider: AIProvider;
  readonly maxContextEvents: number;

  override get recentEventsWindow(): number {
    return this.maxContextEvents;
  }
  readonly maxToolRounds: number;
  readonly toolLoopTimeoutSeconds: number;
  private systemPrompt?: string;
  private readonly temperature: number;
  private readonly maxTokens?: number;
  private readonly toolNames: string[];

  constructor(channelId: string, options: AIChannelOptions) {
    super(channelId);
    if (!options?.provider) throw new TypeError('AIChannel needs a provider');
    const maxContextEvents = options.maxContextEvents ?? 50;
    if (!Number.isInteger(maxContextEvents) || maxContextEvents < 0) {
      throw new RangeError('maxContextEvents must be a non-negative integer');
    }
    this.provider = options.provider;
    this.systemPrompt = options.systemPrompt;
    this.temperature = options.temperature ?? 0.7;
    this.maxTokens = options.maxTokens;
    this.maxContextEvents = maxContextEvents;
    this.toolNames = options.tools ?? [];
    this.maxToolRounds = options.maxToolRounds ?? 200;
    this.toolLoopTimeoutSeconds = options.toolLoopTimeoutSeconds ?? 300;
    if (!Number.isInteger(this.maxToolRounds) || this.maxToolRounds < 0) throw new RangeError('maxToolRounds must be a non-negative integer');
    if (!(this.toolLoopTimeoutSeconds > 0)) throw new RangeError('toolLoopTimeoutSeconds must be positive');
  }

  /** The kit tools this AI may call in a room: the binding's `metadata.tools`, else the room's aiConfig, else the channel's. */
  toolsFor(binding: ChannelBinding, room?: Room): string[] {
    const fromBinding = binding.metadata.tools;
    if (Array.isArray(fromBinding) && fromBinding.every((t) => typeof t === 'string')) return fromBinding as string[];
    return room?.aiConfig?.tools ?? this.toolNames;
  }

  /**
   * One generation of a turn: the room's history, the event being answered, then what the tool
   * loop added (assistant tool calls and tool results). The loop itself is room workflow code.
   */
  async generate(event: RoomEvent, binding: ChannelBinding, ctx: RoomContext, options: GenerateTurnOptions = {}): Promise<AIResponse> {
    const aiCtx = buildAIContext({
      channelId: this.channelId,
      event,
      binding,
      ctx,
      defaults: { systemPrompt: this.systemPrompt, temperature: this.temperature, maxTokens: this.maxTokens },
      maxContextEvents: Math.min(options.historyLimit ?? this.maxContextEvents, this.maxContextEvents),
      supportsVision: this.provider.supportsVision,
    });
    if (options.turn?.length) aiCtx.messages.push(...options.turn);
    if (options.tools?.length) aiCtx.tools = options.tools;
    if (options.onDelta && this.canStream) return this.stream(aiCtx, options.onDelta, options.signal, options.onThinking);
    return this.provider.generate(aiCtx, { signal: options.signal });
  }

  /** Whether `generate` can stream (the provider has `generateStream`). */
  get canStream(): boolean {
    return typeof this.provider.generateStream === 'function';
  }

  private async stream(
    aiCtx: AIContext, onDelta: (delta: string, textSoFar: string) => void, signal?: AbortSignal, onThinking?: (delta: string) => void,
  ): Promise<AIResponse> {
    const stream = (this.provider.generateStream as NonNullable<AIProvider['generateStream']>).call(this.provider, aiCtx, { signal });
    let text = '';
    for await (const item of stream) {
      if (item.type === 'text_delta') {
        if (!item.delta) continue;
        text += item.delta;
        onDelta(item.delta, text);
      } else if (item.type === 'thinking_delta') {
        if (item.delta) onThinking?.(item.delta);
      } else if (item.type === 'done') {
        return item.response;
      }
    }
    // A stream that ends without `done` is a broken provider; the deltas are all there is.
    throw new AIProviderError('stream ended without a done event', { provider: this.provider.name, retryable: true });
  }

  override capabilities(): ChannelCapabilities {
    return { mediaTypes: this.provider.supportsVision ? ['text', 'rich', 'media'] : ['text', 'rich'] };
  }

  /** Takes effect from the next turn; a binding's `system_prompt` still wins for its room. */
  setSystemPrompt(prompt: string | undefined): void {
    this.systemPrompt = prompt;
  }

  override async onEvent(
    event: RoomEvent,
    binding: ChannelBinding,
    ctx: RoomContext,
    options: AIGenerateOptions = {},
  ): Promise<ChannelOutput> {
    // Never answer itself; tool-call events are the loop's own bookkeeping, not prompts.
    if (event.source.channelId === this.channelId) return noResponse();
    if (isToolCallEvent(event)) return noResponse();

    const response = await this.generate(event, binding, ctx, options);
    // One message even when the model said nothing: RoomKit always answers a turn with a MESSAGE.
    return {
      responded: true,
      responseEvents: [
        {
          content: { type: 'text', body: response.content },
          metadata: { ai_usage: response.usage ? { ...response.usage } : {}, loop_end_reason: 'completed' },
        },
      ],
    };
  }

  override async close(): Promise<void> {
    await this.provider.close?.();
  }
}
