/**
 * Claude through the Messages API (`@anthropic-ai/sdk`, API version 2026-10-21). Runs inside an
 * activity: the SDK is built with `maxRetries: 0` and every failure leaves as an
 * {@link AIProviderError} so Temporal decides about retries.
 *
 * API 2026-10-21 rejects `temperature`/`top_p`/`top_k` with a 400 even at default values, so
 * `ctx.temperature` is deliberately not sent.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type {
  AIContentPart, AIContext, AIGenerateOptions, AIProvider, AIResponse, AIStreamEvent, AIToolCall,
} from '../ai/base.js';
import { describeWireIssues, malformedResponse, toAIProviderError, type FailureFacts } from '../ai/classify.js';
import { isPlainObject, mergeSameRole, parseDataUrl, partsOf, textOf } from '../ai/parts.js';
import { parseAnthropicConfig, type AnthropicConfig, type AnthropicConfigInput } from './config.js';

type Block = Anthropic.Messages.ContentBlockParam;
type ImageMediaType = Anthropic.Messages.Base64ImageSource['media_type'];

/**
 * @example
 * const claude = new AnthropicAIProvider({ apiKey: key, model: 'claude-sonnet-4-6' });
 * const reply = await claude.generate({ systemPrompt: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
 */
export class AnthropicAIProvider implements AIProvider {
  readonly name = 'anthropic';
  readonly modelName: string;
  readonly supportsVision: boolean;
  private readonly config: AnthropicConfig;
  private client?: Promise<Anthropic>;

  constructor(config: AnthropicConfigInput) {
    this.config = parseAnthropicConfig(config);
    this.modelName = this.config.model;
    this.supportsVision = this.config.vision;
  }

  async generate(ctx: AIContext, options: AIGenerateOptions = {}): Promise<AIResponse> {
    const { signal } = options;
    signal?.throwIfAborted();
    const params = toAnthropicRequest(ctx, this.config);
    let raw: unknown;
    try {
      const client = await this.sdk();
      raw = await client.messages.create(params, { signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toAIProviderError(error, { provider: this.name, secrets: [this.config.apiKey], facts: await this.facts(error) });
    }
    return fromAnthropicMessage(raw, this.name);
  }

  /**
   * The same request as `generate`, streamed (the SDK's `messages.stream`): text deltas as they come,
   * then the whole message, read exactly as `generate` reads it.
   */
  async *generateStream(ctx: AIContext, options: AIGenerateOptions = {}): AsyncIterable<AIStreamEvent> {
    const { signal } = options;
    signal?.throwIfAborted();
    const params = toAnthropicRequest(ctx, this.config);
    let final: unknown;
    try {
      const client = await this.sdk();
      const stream = client.messages.stream(params, { signal });
      for await (const event of stream) {
        if (event.type !== 'content_block_delta') continue;
        if (event.delta.type === 'text_delta' && event.delta.text) yield { type: 'text_delta', delta: event.delta.text };
        else if (event.delta.type === 'thinking_delta' && event.delta.thinking) yield { type: 'thinking_delta', delta: event.delta.thinking };
      }
      final = await stream.finalMessage();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toAIProviderError(error, { provider: this.name, secrets: [this.config.apiKey], facts: await this.facts(error) });
    }
    yield { type: 'done', response: fromAnthropicMessage(final, this.name) };
  }

  /** Loaded on first use so importing RoomKit does not pay for the SDK. */
  private sdk(): Promise<Anthropic> {
    this.client ??= import('@anthropic-ai/sdk').then(({ default: Sdk }) => new Sdk({
      apiKey: this.config.apiKey,
      baseURL: this.config.baseURL,
      maxRetries: 0,
      timeout: this.config.timeoutMs,
    }));
    return this.client;
  }

  private async facts(error: unknown): Promise<FailureFacts | undefined> {
    const { APIError, APIConnectionError, APIConnectionTimeoutError } = await import('@anthropic-ai/sdk');
    if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout' };
    if (error instanceof APIConnectionError) return { kind: 'connection' };
    if (error instanceof APIError && typeof error.status === 'number') {
      return {
        kind: 'http',
        status: error.status,
        headers: error.headers,
        vendorMessage: error.apiMessage ?? undefined,
        vendorCode: error.errorCode ?? error.type ?? undefined,
      };
    }
    return undefined;
  }
}

/** The Messages API request for one context (pure; exported for tests). */
export function toAnthropicRequest(ctx: AIContext, config: Pick<AnthropicConfig, 'model' | 'maxTokens'>): Anthropic.Messages.MessageCreateParamsNonStreaming {
  const systemTexts = ctx.systemPrompt ? [ctx.systemPrompt] : [];
  const turns: { role: 'user' | 'assistant'; parts: Block[] }[] = [];
  for (const message of ctx.messages) {
    if (message.role === 'system') {
      systemTexts.push(textOf(message));
      continue;
    }
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    for (const part of partsOf(message)) {
      // Tool results always travel in a user turn, whoever's message held them.
      turns.push({ role: part.type === 'tool_result' ? 'user' : role, parts: toBlock(part, role) });
    }
  }
  const system = systemTexts.filter(Boolean).join('\n\n');
  return {
    model: config.model,
    max_tokens: ctx.maxTokens ?? config.maxTokens,
    messages: mergeSameRole(turns).map(({ role, parts }) => ({ role, content: role === 'user' ? toolResultsFirst(parts) : parts })),
    ...(system && { system }),
    ...(ctx.tools?.length && {
      tools: ctx.tools.map((t) => ({
        name: t.name,
        description: t.description,
        input_schema: { type: 'object' as const, ...t.parameters },
      })),
    }),
  };
}

/** In a user turn, `tool_result` blocks must come before any other content. */
function toolResultsFirst(blocks: Block[]): Block[] {
  return [...blocks.filter((b) => b.type === 'tool_result'), ...blocks.filter((b) => b.type !== 'tool_result')];
}

function toBlock(part: AIContentPart, role: 'user' | 'assistant'): Block[] {
  switch (part.type) {
    case 'text':
      // The API refuses empty text blocks.
      return part.text ? [{ type: 'text', text: part.text }] : [];
    case 'image': {
      const data = parseDataUrl(part.url, part.mimeType);
      const source = data
        ? { type: 'base64' as const, media_type: data.mimeType as ImageMediaType, data: data.data }
        : { type: 'url' as const, url: part.url };
      return [{ type: 'image', source }];
    }
    case 'tool_call':
      return role === 'assistant' ? [{ type: 'tool_use', id: part.id, name: part.name, input: part.arguments }] : [];
    case 'tool_result':
      return [{
        type: 'tool_result', tool_use_id: part.toolCallId, content: part.content, ...(part.isError && { is_error: true }),
      }];
    case 'thinking':
      // Only signed thinking can be replayed; unsigned text would be refused.
      return role === 'assistant' && part.signature ? [{ type: 'thinking', thinking: part.thinking, signature: part.signature }] : [];
  }
}

const MessageWire = z.object({
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullish(),
  usage: z.looseObject({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_creation_input_tokens: z.number().nullish(),
    cache_read_input_tokens: z.number().nullish(),
  }).optional(),
  model: z.string().optional(),
  id: z.string().optional(),
});
const TextBlockWire = z.object({ text: z.string() });
const ToolUseWire = z.object({ id: z.string(), name: z.string(), input: z.unknown() });
const ThinkingWire = z.object({ thinking: z.string(), signature: z.string().optional() });

/** A Messages API response → {@link AIResponse}; anything off-shape is a non-retryable error. */
export function fromAnthropicMessage(raw: unknown, provider = 'anthropic'): AIResponse {
  const parsed = MessageWire.safeParse(raw);
  if (!parsed.success) throw malformedResponse(provider, describeWireIssues(parsed.error, raw), parsed.error);
  const message = parsed.data;
  const texts: string[] = [];
  const thinking: string[] = [];
  let thinkingSignature: string | undefined;
  const toolCalls: AIToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') {
      const text = TextBlockWire.safeParse(block);
      if (!text.success) throw malformedResponse(provider, 'text block without text');
      texts.push(text.data.text);
    } else if (block.type === 'tool_use') {
      const use = ToolUseWire.safeParse(block);
      if (!use.success) throw malformedResponse(provider, 'tool_use block without id/name');
      toolCalls.push({ id: use.data.id, name: use.data.name, arguments: isPlainObject(use.data.input) ? use.data.input : {} });
    } else if (block.type === 'thinking') {
      const t = ThinkingWire.safeParse(block);
      if (t.success) {
        thinking.push(t.data.thinking);
        thinkingSignature = t.data.signature ?? thinkingSignature;
      }
    }
  }
  const usage = message.usage;
  return {
    content: texts.join(''),
    finishReason: message.stop_reason ?? undefined,
    ...(usage && {
      usage: {
        // Billing counts cached input too (input + cache creation + cache read).
        inputTokens: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
        outputTokens: usage.output_tokens,
      },
    }),
    ...(toolCalls.length > 0 && { toolCalls }),
    ...(thinking.length > 0 && { thinking: thinking.join('\n') }),
    ...(thinkingSignature && { thinkingSignature }),
    metadata: { ...(message.id && { id: message.id }), ...(message.model && { model: message.model }) },
  };
}

/**
 * @example
 * const provider = createAnthropicProvider({ apiKey: config.anthropicKey });
 */
export function createAnthropicProvider(config: AnthropicConfigInput): AnthropicAIProvider {
  return new AnthropicAIProvider(config);
}
