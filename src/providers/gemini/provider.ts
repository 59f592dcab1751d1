/**
 * Gemini through `generateContent` (`@google/genai`, Developer API). Runs inside an activity: the
 * SDK gets one attempt per call (`retryOptions.attempts: 1`) and every failure leaves as an
 * {@link AIProviderError} so Temporal decides about retries.
 */
import { randomUUID } from 'node:crypto';
import type { Content, GenerateContentParameters, GenerateContentResponse, GoogleGenAI, Part } from '@google/genai';
import { z } from 'zod';
import type { AIContentPart, AIContext, AIGenerateOptions, AIProvider, AIResponse, AIStreamEvent, AIToolCall } from '../ai/base.js';
import { describeWireIssues, malformedResponse, parseDurationMs, toAIProviderError, type FailureFacts } from '../ai/classify.js';
import { isPlainObject, mergeSameRole, parseDataUrl, partsOf, textOf, toolNamesById } from '../ai/parts.js';
import { parseGeminiConfig, type GeminiConfig, type GeminiConfigInput } from './config.js';

/**
 * @example
 * const gemini = new GeminiAIProvider({ apiKey: key, model: 'gemini-2.5-flash' });
 * const reply = await gemini.generate({ messages: [{ role: 'user', content: 'Hi' }] });
 */
export class GeminiAIProvider implements AIProvider {
  readonly name = 'gemini';
  readonly modelName: string;
  readonly supportsVision: boolean;
  private readonly config: GeminiConfig;
  private client?: Promise<GoogleGenAI>;

  constructor(config: GeminiConfigInput) {
    this.config = parseGeminiConfig(config);
    this.modelName = this.config.model;
    this.supportsVision = this.config.vision;
  }

  async generate(ctx: AIContext, options: AIGenerateOptions = {}): Promise<AIResponse> {
    const { signal } = options;
    signal?.throwIfAborted();
    const call = this.request(ctx, signal);
    let raw: unknown;
    try {
      const client = await this.sdk();
      raw = await client.models.generateContent(call.params);
    } catch (error) {
      throw await call.failure(error);
    }
    return fromGeminiResponse(raw, this.name);
  }

  /**
   * One call's parameters, and how its failure is reported. The SDK's ApiError keeps the body but
   * drops the response headers, so a per-call fetch keeps the last response's headers for Retry-After.
   */
  private request(ctx: AIContext, signal: AbortSignal | undefined) {
    const params = toGeminiRequest(ctx, this.config);
    let lastHeaders: Headers | undefined;
    const fetchKeepingHeaders: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      lastHeaders = response.headers;
      return response;
    };
    params.config = { ...params.config, abortSignal: signal, httpOptions: { fetch: fetchKeepingHeaders } };
    const failure = async (error: unknown): Promise<unknown> => {
      if (signal?.aborted) return signal.reason;
      return toAIProviderError(error, { provider: this.name, secrets: [this.config.apiKey], facts: await facts(error, lastHeaders) });
    };
    return { params, failure };
  }

  /**
   * The same request, streamed (the SDK's `generateContentStream`): text deltas as they come; the
   * chunks' parts are joined into one response and read exactly as `generate` reads one.
   */
  async *generateStream(ctx: AIContext, options: AIGenerateOptions = {}): AsyncIterable<AIStreamEvent> {
    const { signal } = options;
    signal?.throwIfAborted();
    const call = this.request(ctx, signal);
    const parts: unknown[] = [];
    let last: GenerateContentResponse | undefined;
    try {
      const client = await this.sdk();
      for await (const chunk of await client.models.generateContentStream(call.params)) {
        for (const part of chunk.candidates?.[0]?.content?.parts ?? []) {
          parts.push(part);
          if (typeof part.text === 'string' && part.text && !part.thought) yield { type: 'text_delta', delta: part.text };
        }
        last = chunk;
      }
    } catch (error) {
      throw await call.failure(error);
    }
    // The SDK's response class carries getters; its JSON fields are what the reader checks.
    const fields = last && (JSON.parse(JSON.stringify(last)) as { candidates?: object[] });
    const whole = fields && { ...fields, candidates: [{ ...fields.candidates?.[0], content: { role: 'model', parts } }] };
    yield { type: 'done', response: fromGeminiResponse(whole, this.name) };
  }

  /** Loaded on first use so importing RoomKit does not pay for the SDK. */
  private sdk(): Promise<GoogleGenAI> {
    this.client ??= import('@google/genai').then(({ GoogleGenAI: Sdk }) => new Sdk({
      apiKey: this.config.apiKey,
      // Explicit, or GOOGLE_GENAI_USE_VERTEXAI in the environment would switch backends.
      vertexai: false,
      apiVersion: this.config.apiVersion,
      httpOptions: {
        baseUrl: this.config.baseURL,
        timeout: this.config.timeoutMs,
        // One attempt: Temporal owns retries.
        retryOptions: { attempts: 1 },
      },
    }));
    return this.client;
  }
}

const GoogleErrorBody = z.object({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.looseObject({ '@type': z.string().optional(), retryDelay: z.string().optional() })).optional(),
  }),
});

async function facts(error: unknown, headers: Headers | undefined): Promise<FailureFacts | undefined> {
  const { ApiError } = await import('@google/genai');
  // Automatic continuation wraps the failure of a later hop; the hop's own error decides.
  const cause = (error as { name?: string; cause?: unknown })?.name === 'ContinuationInterruptedError'
    ? (error as { cause?: unknown }).cause : error;
  if (!(cause instanceof ApiError)) return undefined;
  let body: z.infer<typeof GoogleErrorBody> | undefined;
  try {
    const parsed = GoogleErrorBody.safeParse(JSON.parse(cause.message));
    body = parsed.success ? parsed.data : undefined;
  } catch {
    body = undefined;
  }
  const retryInfo = body?.error.details?.find((d) => d['@type']?.endsWith('google.rpc.RetryInfo'));
  return {
    kind: 'http',
    status: cause.status,
    headers,
    vendorMessage: body?.error.message,
    vendorCode: body?.error.status,
    retryDelayMs: parseDurationMs(retryInfo?.retryDelay),
  };
}

/** The generateContent request for one context (pure; exported for tests). */
export function toGeminiRequest(ctx: AIContext, config: Pick<GeminiConfig, 'model' | 'maxTokens'>): GenerateContentParameters {
  const systemTexts = ctx.systemPrompt ? [ctx.systemPrompt] : [];
  const names = toolNamesById(ctx.messages);
  const turns: { role: 'user' | 'model'; parts: Part[] }[] = [];
  for (const message of ctx.messages) {
    if (message.role === 'system') {
      systemTexts.push(textOf(message));
      continue;
    }
    const role = message.role === 'assistant' ? 'model' : 'user';
    for (const part of partsOf(message)) {
      // Function responses travel in a user turn, whoever's message held them.
      turns.push({ role: part.type === 'tool_result' ? 'user' : role, parts: toParts(part, role, names) });
    }
  }
  const contents: Content[] = mergeSameRole(turns);
  const system = systemTexts.filter(Boolean).join('\n\n');
  return {
    model: config.model,
    contents,
    config: {
      maxOutputTokens: ctx.maxTokens ?? config.maxTokens,
      ...(ctx.temperature !== undefined && { temperature: ctx.temperature }),
      ...(system && { systemInstruction: { parts: [{ text: system }] } }),
      ...(ctx.tools?.length && {
        tools: [{
          functionDeclarations: ctx.tools.map((t) => ({
            name: t.name, description: t.description, parametersJsonSchema: t.parameters,
          })),
        }],
      }),
    },
  };
}

function toParts(part: AIContentPart, role: 'user' | 'model', names: Map<string, string>): Part[] {
  switch (part.type) {
    case 'text':
      return part.text ? [{ text: part.text }] : [];
    case 'image': {
      const data = parseDataUrl(part.url, part.mimeType);
      return [data ? { inlineData: { mimeType: data.mimeType, data: data.data } } : { fileData: { fileUri: part.url, mimeType: part.mimeType } }];
    }
    case 'tool_call': {
      if (role !== 'model') return [];
      const signature = part.metadata?.thoughtSignature;
      return [{
        functionCall: { id: part.id, name: part.name, args: part.arguments },
        ...(typeof signature === 'string' && { thoughtSignature: signature }),
      }];
    }
    case 'tool_result':
      return [{
        functionResponse: {
          id: part.toolCallId,
          // Gemini matches responses by function name; the id alone is not enough.
          name: names.get(part.toolCallId) ?? part.toolCallId,
          response: part.isError ? { error: part.content } : { output: part.content },
        },
      }];
    case 'thinking':
      return role === 'model' && part.signature ? [{ text: part.thinking, thought: true, thoughtSignature: part.signature }] : [];
  }
}

const ResponseWire = z.object({
  candidates: z.array(z.looseObject({
    content: z.looseObject({ parts: z.array(z.looseObject({})).optional() }).optional(),
    finishReason: z.string().optional(),
  })).optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z.looseObject({
    promptTokenCount: z.number().optional(),
    candidatesTokenCount: z.number().optional(),
    thoughtsTokenCount: z.number().optional(),
  }).optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
const PartWire = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z.looseObject({ id: z.string().optional(), name: z.string(), args: z.unknown().optional() }).optional(),
});

/** A generateContent response → {@link AIResponse}; anything off-shape is a non-retryable error. */
export function fromGeminiResponse(raw: unknown, provider = 'gemini'): AIResponse {
  const parsed = ResponseWire.safeParse(raw);
  if (!parsed.success) throw malformedResponse(provider, describeWireIssues(parsed.error, raw), parsed.error);
  const response = parsed.data;
  const candidate = response.candidates?.[0];
  const blockReason = response.promptFeedback?.blockReason;
  if (!candidate && !blockReason) throw malformedResponse(provider, 'no candidates and no promptFeedback');
  const texts: string[] = [];
  const thinking: string[] = [];
  let thinkingSignature: string | undefined;
  const toolCalls: AIToolCall[] = [];
  for (const rawPart of candidate?.content?.parts ?? []) {
    const part = PartWire.safeParse(rawPart);
    if (!part.success) throw malformedResponse(provider, 'unreadable content part', part.error);
    const { text, thought, thoughtSignature, functionCall } = part.data;
    if (functionCall) {
      toolCalls.push({
        // The Developer API often omits ids; one is made up so results can be matched.
        id: functionCall.id ?? `call_${randomUUID()}`,
        name: functionCall.name,
        arguments: isPlainObject(functionCall.args) ? functionCall.args : {},
        ...(thoughtSignature && { metadata: { thoughtSignature } }),
      });
    } else if (text !== undefined && thought) {
      thinking.push(text);
      thinkingSignature = thoughtSignature ?? thinkingSignature;
    } else if (text !== undefined) {
      texts.push(text);
    }
  }
  const usage = response.usageMetadata;
  return {
    content: texts.join(''),
    finishReason: candidate?.finishReason ?? blockReason,
    ...(usage && {
      usage: {
        inputTokens: usage.promptTokenCount ?? 0,
        // Thinking tokens are billed as output.
        outputTokens: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0),
      },
    }),
    ...(toolCalls.length > 0 && { toolCalls }),
    ...(thinking.length > 0 && { thinking: thinking.join('\n') }),
    ...(thinkingSignature && { thinkingSignature }),
    metadata: {
      ...(response.responseId && { id: response.responseId }),
      ...(response.modelVersion && { model: response.modelVersion }),
      ...(blockReason && { blockReason }),
    },
  };
}

/**
 * @example
 * const provider = createGeminiProvider({ apiKey: config.geminiKey });
 */
export function createGeminiProvider(config: GeminiConfigInput): GeminiAIProvider {
  return new GeminiAIProvider(config);
}
