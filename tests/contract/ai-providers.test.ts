/**
 * Every AI provider against the shared contract — the vendor ones through their real SDKs against
 * fake vendor servers speaking each wire format — plus what is particular to each vendor.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AIProviderError, MockAIProvider, isContextOverflow, parseRetryAfter, toAIProviderError,
  type AIContext, type AIProvider, type AIResponse,
} from '../../src/providers/ai/index.js';
import { AnthropicAIProvider, createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { GeminiAIProvider, createGeminiProvider } from '../../src/providers/gemini/index.js';
import { OpenAIAIProvider, createOpenAIProvider, createVLLMProvider } from '../../src/providers/openai/index.js';
import { RoomKitValidationError } from '../../src/errors.js';
import { readAnthropicRequest, startAnthropicServer } from '../fixtures/ai-servers/anthropic.js';
import { readGeminiRequest, startGeminiServer } from '../fixtures/ai-servers/gemini.js';
import { readOpenAIRequest, startOpenAIServer } from '../fixtures/ai-servers/openai.js';
import {
  emptyTurn, joinText, type FakeAIServer, type FakeReply, type RecordedRequest, type SentRequest,
} from '../fixtures/ai-servers/shared.js';
import { aiProviderContract, type ProviderFixture } from './ai-provider-contract.js';

interface WireOptions {
  start(): Promise<FakeAIServer>;
  read(request: RecordedRequest): SentRequest;
  make(server: FakeAIServer, overrides: { origin?: string; apiKey?: string; timeoutMs?: number }): AIProvider;
  overloadedStatus: number;
  sendsTemperature: boolean;
}

async function wireFixture(options: WireOptions): Promise<ProviderFixture> {
  const server = await options.start();
  const provider = options.make(server, {});
  return {
    provider,
    sent: () => server.requests.map(options.read),
    script: (...replies) => server.script(...replies),
    reset: () => server.reset(),
    close: () => server.close(),
    wire: {
      waitForRequest: (n) => server.waitForRequest(n),
      overloadedStatus: options.overloadedStatus,
      sendsTemperature: options.sendsTemperature,
      build: (overrides) => options.make(server, overrides),
      apiKey: server.apiKey,
    },
  };
}

const anthropic = (): Promise<ProviderFixture> => wireFixture({
  start: () => startAnthropicServer(),
  read: readAnthropicRequest,
  make: (s, o) => createAnthropicProvider({ apiKey: o.apiKey ?? s.apiKey, baseURL: o.origin ?? s.origin, timeoutMs: o.timeoutMs }),
  overloadedStatus: 529,
  sendsTemperature: false,
});
const openai = (): Promise<ProviderFixture> => wireFixture({
  start: () => startOpenAIServer(),
  read: readOpenAIRequest,
  make: (s, o) => createOpenAIProvider({ apiKey: o.apiKey ?? s.apiKey, baseURL: `${o.origin ?? s.origin}/v1`, timeoutMs: o.timeoutMs }),
  overloadedStatus: 503,
  sendsTemperature: true,
});
const vllm = (): Promise<ProviderFixture> => wireFixture({
  start: () => startOpenAIServer({ apiKey: 'EMPTY', flavour: 'vllm' }),
  read: readOpenAIRequest,
  make: (s, o) => createVLLMProvider({
    baseURL: `${o.origin ?? s.origin}/v1`, model: 'Qwen/Qwen3-8B', vision: true, timeoutMs: o.timeoutMs,
    ...(o.apiKey && { apiKey: o.apiKey }),
  }),
  overloadedStatus: 503,
  sendsTemperature: true,
});
const gemini = (): Promise<ProviderFixture> => wireFixture({
  start: () => startGeminiServer(),
  read: readGeminiRequest,
  make: (s, o) => createGeminiProvider({ apiKey: o.apiKey ?? s.apiKey, baseURL: o.origin ?? s.origin, timeoutMs: o.timeoutMs }),
  overloadedStatus: 503,
  sendsTemperature: true,
});

/** The mock has no wire: "what was sent" is the contexts it recorded. */
async function mock(): Promise<ProviderFixture> {
  let providers = [new MockAIProvider({ vision: true, responses: ['ok'] })];
  return {
    get provider() {
      return providers.at(-1)!;
    },
    sent: () => providers.flatMap((p) => p.calls).map(contextToSent),
    script: (...replies) => void providers.push(new MockAIProvider({ vision: true, aiResponses: replies.map(toMockResponse) })),
    reset: () => void (providers = [new MockAIProvider({ vision: true, responses: ['ok'] })]),
    close: async () => {},
  };
}

function toMockResponse(reply: FakeReply): AIResponse {
  if (reply.kind === 'text') {
    return { content: reply.text, finishReason: 'stop', usage: reply.usage && { inputTokens: reply.usage.input, outputTokens: reply.usage.output } };
  }
  if (reply.kind === 'tool_use') {
    return { content: reply.text ?? '', finishReason: 'tool_calls', toolCalls: reply.calls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args })) };
  }
  throw new Error(`the mock cannot script a ${reply.kind} reply`);
}

function contextToSent(ctx: AIContext): SentRequest {
  return {
    system: ctx.systemPrompt,
    temperature: ctx.temperature,
    maxTokens: ctx.maxTokens,
    tools: (ctx.tools ?? []).map(({ name, description, parameters }) => ({ name, description, parameters })),
    turns: ctx.messages.filter((m) => m.role !== 'system').map((m) => {
      const turn = emptyTurn(m.role as 'user' | 'assistant' | 'tool');
      const parts = typeof m.content === 'string' ? [{ type: 'text' as const, text: m.content }] : m.content;
      turn.text = joinText(parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])));
      for (const p of parts) {
        if (p.type === 'tool_call') turn.toolCalls.push({ id: p.id, name: p.name, arguments: p.arguments });
        if (p.type === 'tool_result') turn.toolResults.push({ id: p.toolCallId, content: p.content, isError: p.isError === true });
        if (p.type === 'image') turn.images.push(p.url);
      }
      return turn;
    }),
  };
}

aiProviderContract('anthropic', anthropic);
aiProviderContract('openai', openai);
aiProviderContract('vllm (OpenAI-compatible)', vllm);
aiProviderContract('gemini', gemini);
aiProviderContract('mock', mock, { scriptedOnly: true });

/** One fake server per vendor block, reset between tests. */
function useServer(start: () => Promise<FakeAIServer>): () => FakeAIServer {
  let server: FakeAIServer;
  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => server.reset());
  return () => server;
}

describe('Anthropic specifics', () => {
  const server = useServer(() => startAnthropicServer());
  const provider = () => new AnthropicAIProvider({ apiKey: server().apiKey, baseURL: server().origin });

  it('authenticates with the key and sends an anthropic-version', async () => {
    await provider().generate({ messages: [{ role: 'user', content: 'Hi' }] });
    const { headers } = server().requests[0];
    expect(headers['x-api-key'] ?? headers.authorization?.replace('Bearer ', '')).toBe(server().apiKey);
    expect(headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('never sends temperature (API 2026-10-21 answers it with a 400)', async () => {
    await provider().generate({ messages: [{ role: 'user', content: 'Hi' }], temperature: 0.7 });
    expect(server().lastBody()).not.toHaveProperty('temperature');
  });

  it('merges consecutive same-role turns and folds system messages into `system`', async () => {
    await provider().generate({
      systemPrompt: 'Base prompt.',
      messages: [
        { role: 'system', content: 'Room rules.' },
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: 'three' },
      ],
    });
    const body = server().lastBody();
    expect(body.system).toBe('Base prompt.\n\nRoom rules.');
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'three' }] },
    ]);
  });

  it('sends images as url or base64 sources and tool results first in their user turn', async () => {
    await provider().generate({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'toolu_1', content: 'boom', isError: true }] },
        { role: 'user', content: [{ type: 'image', url: 'data:image/webp;base64,UklGRg==', mimeType: 'image/webp' }] },
      ],
    });
    const [, assistant, user] = server().lastBody().messages;
    expect(assistant.content).toEqual([{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(user.content).toEqual([
      { type: 'tool_result', tool_use_id: 'toolu_1', content: 'boom', is_error: true },
      { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: 'UklGRg==' } },
    ]);
  });

  it('ignores request metadata (room and event ids never reach the vendor)', async () => {
    await provider().generate({ messages: [{ role: 'user', content: 'Hi' }], metadata: { roomId: 'room-secret-1', eventId: 'evt-7' } });
    expect(server().requests[0].rawBody).not.toContain('room-secret-1');
  });

  it('rejects a config without a key, naming the field', () => {
    expect(() => new AnthropicAIProvider({ apiKey: '' })).toThrow(RoomKitValidationError);
  });
});

describe('OpenAI specifics', () => {
  const server = useServer(() => startOpenAIServer());
  const provider = () => new OpenAIAIProvider({ apiKey: server().apiKey, baseURL: `${server().origin}/v1` });

  it('sends Bearer auth and the budget as max_completion_tokens', async () => {
    await provider().generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 50 });
    expect(server().requests[0].headers.authorization).toBe(`Bearer ${server().apiKey}`);
    expect(server().lastBody()).toMatchObject({ max_completion_tokens: 50 });
    expect(server().lastBody()).not.toHaveProperty('max_tokens');
  });

  it('keeps {} and the raw string when the model emits malformed tool arguments', async () => {
    server().script({ kind: 'tool_use', calls: [{ id: 'call_x', name: 'get_weather', arguments: {}, rawArguments: '{"city": "Par' }] });
    const reply = await provider().generate({ messages: [{ role: 'user', content: 'Weather?' }] });
    expect(reply.toolCalls).toEqual([{ id: 'call_x', name: 'get_weather', arguments: {}, metadata: { rawArguments: '{"city": "Par' } }]);
  });

  it('replays tool calls with JSON-string arguments and answers them with tool messages', async () => {
    await provider().generate({
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Rome' } }],
        },
        { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'call_1', content: '25°C' }] },
      ],
    });
    expect(server().lastBody().messages.slice(1)).toEqual([
      {
        role: 'assistant', content: 'Let me check.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '25°C' },
    ]);
  });

  it('sends image parts as image_url content parts', async () => {
    await provider().generate({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Look' }, { type: 'image', url: 'https://example.com/a.png', mimeType: 'image/png' }] }],
    });
    expect(server().lastBody().messages[0].content).toEqual([
      { type: 'text', text: 'Look' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } },
    ]);
  });
});

describe('vLLM specifics', () => {
  const server = useServer(() => startOpenAIServer({ apiKey: 'EMPTY', flavour: 'vllm' }));

  it('is an OpenAI provider named vllm with the placeholder key and max_tokens', async () => {
    const provider = createVLLMProvider({ baseURL: `${server().origin}/v1`, model: 'meta-llama/Llama-3.1-8B-Instruct' });
    expect(provider).toBeInstanceOf(OpenAIAIProvider);
    expect(provider).toMatchObject({ name: 'vllm', modelName: 'meta-llama/Llama-3.1-8B-Instruct', supportsVision: false });
    await provider.generate({ messages: [{ role: 'user', content: 'Hi' }], maxTokens: 64 });
    expect(server().requests[0].headers.authorization).toBe('Bearer EMPTY');
    expect(server().lastBody()).toMatchObject({ model: 'meta-llama/Llama-3.1-8B-Instruct', max_tokens: 64 });
  });

  it('names itself in errors', async () => {
    server().script({ kind: 'error', status: 400, message: 'bad' });
    const provider = createVLLMProvider({ baseURL: `${server().origin}/v1`, model: 'm' });
    const error = await provider.generate({ messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: 'vllm', statusCode: 400 });
    expect((error as Error).message).toMatch(/^vllm: HTTP 400 BadRequestError: bad/);
  });
});

describe('Gemini specifics', () => {
  const server = useServer(() => startGeminiServer());
  const provider = () => new GeminiAIProvider({ apiKey: server().apiKey, baseURL: server().origin, model: 'gemini-2.5-pro' });

  it('calls models/{model}:generateContent with the key in x-goog-api-key', async () => {
    await provider().generate({ messages: [{ role: 'user', content: 'Hi' }] });
    const [request] = server().requests;
    expect(request.url.pathname).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
    expect(request.headers['x-goog-api-key']).toBe(server().apiKey);
  });

  it('uses the model role, merges same-role turns and names function responses after their call', async () => {
    await provider().generate({
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: 'two' },
        { role: 'assistant', content: [{ type: 'tool_call', id: 'fc_1', name: 'get_weather', arguments: { city: 'Kyiv' } }] },
        { role: 'tool', content: [{ type: 'tool_result', toolCallId: 'fc_1', content: 'cold' }] },
      ],
    });
    expect(server().lastBody().contents).toEqual([
      { role: 'user', parts: [{ text: 'one' }, { text: 'two' }] },
      { role: 'model', parts: [{ functionCall: { id: 'fc_1', name: 'get_weather', args: { city: 'Kyiv' } } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'fc_1', name: 'get_weather', response: { output: 'cold' } } }] },
    ]);
  });

  it('round-trips a thought signature through toolCall metadata', async () => {
    server().script({ kind: 'tool_use', calls: [{ id: '', name: 'get_weather', arguments: { city: 'Nice' }, thoughtSignature: 'c2lnbmF0dXJl' }] });
    const reply = await provider().generate({ messages: [{ role: 'user', content: 'Weather?' }] });
    const [call] = reply.toolCalls!;
    expect(call.id).toMatch(/^call_/); // the Developer API may omit ids; one is made up
    expect(call.metadata).toEqual({ thoughtSignature: 'c2lnbmF0dXJl' });
    await provider().generate({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: [{ type: 'tool_call', ...call }] },
        { role: 'tool', content: [{ type: 'tool_result', toolCallId: call.id, content: 'mild' }] },
      ],
    });
    expect(server().lastBody().contents[1].parts[0]).toMatchObject({ thoughtSignature: 'c2lnbmF0dXJl', functionCall: { name: 'get_weather' } });
  });

  it('reads the retry delay from google.rpc.RetryInfo when there is no Retry-After', async () => {
    server().script({ kind: 'error', status: 429, message: 'quota', retryInfo: '3s' });
    const error = await provider().generate({ messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
    expect(error).toMatchObject({ retryable: true, statusCode: 429, retryAfterMs: 3000 });
  });
});

describe('AI error classification', () => {
  it('parses Retry-After seconds, HTTP dates and retry-after-ms', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 01 Jan 2030 00:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Tue, 01 Jan 2029 00:00:05 GMT' }), now)).toBe(0);
    expect(parseRetryAfter({ 'Retry-After-Ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('only calls a 400/413 a context overflow, never a 429 about tokens', () => {
    expect(isContextOverflow(400, 'context_length_exceeded')).toBe(true);
    expect(isContextOverflow(400, 'invalid_request_error', 'input length and `max_tokens` exceed context limit: 197779 + 4096 > 200000')).toBe(true);
    expect(isContextOverflow(429, undefined, 'Rate limit reached: too many tokens per minute, context length')).toBe(false);
    expect(isContextOverflow(400, undefined, 'messages: field required')).toBe(false);
  });

  it('passes an AIProviderError through and calls unknown errors non-retryable', () => {
    const original = new AIProviderError('x', { provider: 'p', statusCode: 503 });
    expect(toAIProviderError(original, { provider: 'p' })).toBe(original);
    const unknown = toAIProviderError(new Error('Could not resolve authentication method sk-live-123456'), { provider: 'p', secrets: ['sk-live-123456'] });
    expect(unknown).toMatchObject({ retryable: false, message: 'p: Could not resolve authentication method [redacted]' });
  });

  it('calls network-level failures retryable', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(toAIProviderError(new TypeError('fetch failed', { cause: reset }), { provider: 'p' })).toMatchObject({ retryable: true });
  });
});
