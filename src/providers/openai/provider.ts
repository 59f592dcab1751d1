/**
 * OpenAI Chat Completions (`openai` SDK), also the client for any OpenAI-compatible server (vLLM).
 * Runs inside an activity: the SDK is built with `maxRetries: 0` and every failure leaves as an
 * {@link AIProviderError} so Temporal decides about retries.
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import type { AIContext, AIGenerateOptions, AIProvider, AIResponse, AIStreamEvent, AIToolCall } from '../ai/base.js';
import { describeWireIssues, malformedResponse, toAIProviderError, type FailureFacts } from '../ai/classify.js';
import { isPlainObject, partsOf } from '../ai/parts.js';
import {
  parseOpenAIConfig, parseVLLMConfig, type OpenAIConfig, type OpenAIConfigInput, type VLLMConfigInput,
} from './config.js';
import { loadOpenAIClient } from './sdk.js';

type Message = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type UserPart = OpenAI.Chat.Completions.ChatCompletionContentPart;

export interface OpenAIProviderIdentity {
  /** Reported as `provider` on errors and as the provider's `name` (`'vllm'` for vLLM). */
  name?: string;
}

/**
 * @example
 * const gpt = new OpenAIAIProvider({ apiKey: key, model: 'gpt-4.1-mini' });
 * const reply = await gpt.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export class OpenAIAIProvider implements AIProvider {
  readonly name: string;
  readonly modelName: string;
  readonly supportsVision: boolean;
  private readonly config: OpenAIConfig;
  private client?: Promise<OpenAI>;

  constructor(config: OpenAIConfigInput, identity: OpenAIProviderIdentity = {}) {
    this.config = parseOpenAIConfig(config);
    this.name = identity.name ?? 'openai';
    this.modelName = this.config.model;
    this.supportsVision = this.config.vision;
  }

  async generate(ctx: AIContext, options: AIGenerateOptions = {}): Promise<AIResponse> {
    const { signal } = options;
    signal?.throwIfAborted();
    const params = toChatCompletionRequest(ctx, this.config);
    let raw: unknown;
    try {
      const client = await this.sdk();
      raw = await client.chat.completions.create(params, { signal });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toAIProviderError(error, { provider: this.name, secrets: [this.config.apiKey], facts: await facts(error) });
    }
    return fromChatCompletion(raw, this.name);
  }

  /**
   * The same request, streamed (the SDK's `chat.completions.stream`, usage included): text deltas
   * as they come, then the assembled completion, read exactly as `generate` reads one.
   */
  async *generateStream(ctx: AIContext, options: AIGenerateOptions = {}): AsyncIterable<AIStreamEvent> {
    const { signal } = options;
    signal?.throwIfAborted();
    const params = { ...toChatCompletionRequest(ctx, this.config), stream: true as const, stream_options: { include_usage: true } };
    let final: unknown;
    try {
      const client = await this.sdk();
      const stream = client.chat.completions.stream(params, { signal });
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta?.content;
        if (delta) yield { type: 'text_delta', delta };
      }
      final = await stream.finalChatCompletion();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw toAIProviderError(error, { provider: this.name, secrets: [this.config.apiKey], facts: await facts(error) });
    }
    yield { type: 'done', response: fromChatCompletion(final, this.name) };
  }

  private sdk(): Promise<OpenAI> {
    this.client ??= loadOpenAIClient(this.config);
    return this.client;
  }
}

async function facts(error: unknown): Promise<FailureFacts | undefined> {
  const { APIError, APIConnectionError, APIConnectionTimeoutError } = await import('openai');
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof APIConnectionError) return { kind: 'connection' };
  if (error instanceof APIError && typeof error.status === 'number') {
    const body = isPlainObject(error.error) ? error.error : {};
    return {
      kind: 'http',
      status: error.status,
      headers: error.headers,
      vendorMessage: typeof body.message === 'string' ? body.message : undefined,
      // vLLM puts the HTTP status (a number) in `code`; only OpenAI's string codes say anything.
      vendorCode: (typeof error.code === 'string' ? error.code : undefined) ?? error.type ?? undefined,
    };
  }
  return undefined;
}

/** The Chat Completions request for one context (pure; exported for tests). */
export function toChatCompletionRequest(
  ctx: AIContext,
  config: Pick<OpenAIConfig, 'model' | 'maxTokens' | 'maxTokensField'>,
): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  const messages: Message[] = ctx.systemPrompt ? [{ role: 'system', content: ctx.systemPrompt }] : [];
  for (const message of ctx.messages) messages.push(...toMessages(message));
  return {
    model: config.model,
    messages,
    [config.maxTokensField]: ctx.maxTokens ?? config.maxTokens,
    ...(ctx.temperature !== undefined && { temperature: ctx.temperature }),
    ...(ctx.tools?.length && {
      tools: ctx.tools.map((t) => ({
        type: 'function' as const,
        function: { name: t.name, description: t.description, parameters: t.parameters },
      })),
    }),
  };
}

function toMessages(message: AIContext['messages'][number]): Message[] {
  const parts = partsOf(message);
  // Tool results answer the previous assistant turn, so they go first, one `tool` message each.
  const out: Message[] = parts.flatMap((p) =>
    p.type === 'tool_result' ? [{ role: 'tool' as const, tool_call_id: p.toolCallId, content: p.content }] : []);
  const texts = parts.flatMap((p) => (p.type === 'text' ? [p.text] : []));
  switch (message.role) {
    case 'system':
      if (texts.length) out.push({ role: 'system', content: texts.join('\n') });
      break;
    case 'user': {
      const content: UserPart[] = parts.flatMap((p): UserPart[] => {
        if (p.type === 'text') return [{ type: 'text', text: p.text }];
        if (p.type === 'image') return [{ type: 'image_url', image_url: { url: p.url } }];
        return [];
      });
      if (content.length === 0) break;
      const textOnly = content.every((c) => c.type === 'text');
      out.push({ role: 'user', content: textOnly ? texts.join('\n') : content });
      break;
    }
    case 'assistant': {
      const calls = parts.flatMap((p) => (p.type === 'tool_call' ? [p] : []));
      if (texts.length === 0 && calls.length === 0) break;
      out.push({
        role: 'assistant',
        content: texts.length ? texts.join('\n') : null,
        ...(calls.length > 0 && {
          tool_calls: calls.map((c) => ({
            id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.arguments) },
          })),
        }),
      });
      break;
    }
    case 'tool':
      break;
  }
  return out;
}

const CompletionWire = z.object({
  id: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(z.object({
    finish_reason: z.string().nullish(),
    message: z.object({
      content: z.string().nullish(),
      refusal: z.string().nullish(),
      tool_calls: z.array(z.looseObject({ id: z.string(), type: z.string() })).nullish(),
    }),
  })).min(1),
  usage: z.looseObject({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});
const FunctionCallWire = z.object({ id: z.string(), function: z.object({ name: z.string(), arguments: z.string() }) });

/** A Chat Completions response → {@link AIResponse}; anything off-shape is a non-retryable error. */
export function fromChatCompletion(raw: unknown, provider = 'openai'): AIResponse {
  const parsed = CompletionWire.safeParse(raw);
  if (!parsed.success) throw malformedResponse(provider, describeWireIssues(parsed.error, raw), parsed.error);
  const completion = parsed.data;
  const choice = completion.choices[0];
  const toolCalls: AIToolCall[] = [];
  for (const call of choice.message.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    const fn = FunctionCallWire.safeParse(call);
    if (!fn.success) throw malformedResponse(provider, 'function tool call without id/name/arguments');
    toolCalls.push(toToolCall(fn.data.id, fn.data.function.name, fn.data.function.arguments));
  }
  const usage = completion.usage;
  const refusal = choice.message.refusal;
  return {
    content: choice.message.content ?? '',
    finishReason: choice.finish_reason ?? undefined,
    ...(usage && { usage: { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens } }),
    ...(toolCalls.length > 0 && { toolCalls }),
    metadata: {
      ...(completion.id && { id: completion.id }),
      ...(completion.model && { model: completion.model }),
      ...(refusal && { refusal }),
    },
  };
}

/** Models sometimes emit invalid JSON: keep `{}` and hand the raw text on for the tool layer. */
function toToolCall(id: string, name: string, rawArguments: string): AIToolCall {
  try {
    const args: unknown = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
    if (isPlainObject(args)) return { id, name, arguments: args };
  } catch {
    // fall through
  }
  return { id, name, arguments: {}, metadata: { rawArguments } };
}

/**
 * @example
 * const provider = createOpenAIProvider({ apiKey: config.openaiKey, model: 'gpt-4.1-mini' });
 */
export function createOpenAIProvider(config: OpenAIConfigInput): OpenAIAIProvider {
  return new OpenAIAIProvider(config);
}

/**
 * An {@link OpenAIAIProvider} pointed at an OpenAI-compatible server, named `'vllm'`.
 *
 * @example
 * const local = createVLLMProvider({ baseURL: 'http://gpu-box:8000/v1', model: 'Qwen/Qwen3-8B' });
 */
export function createVLLMProvider(config: VLLMConfigInput): OpenAIAIProvider {
  return new OpenAIAIProvider(parseVLLMConfig(config), { name: 'vllm' });
}
