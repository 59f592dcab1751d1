/**
 * Each vendor's `generateStream` through its real SDK against a loopback API that streams in the
 * vendor's own format (Anthropic's SSE events, OpenAI's chunks + `[DONE]`, Gemini's `alt=sse`): text
 * deltas as they come, then the whole answer read as `generate` reads one (tool call and usage
 * included); a refused stream is the same typed, retryable error as a refused generate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIProviderError, type AIProvider, type AIStreamEvent } from '../../src/providers/ai/index.js';
import { AnthropicAIProvider } from '../../src/providers/anthropic/index.js';
import { GeminiAIProvider } from '../../src/providers/gemini/index.js';
import { OpenAIAIProvider } from '../../src/providers/openai/index.js';
import { startAnthropicServer } from '../fixtures/ai-servers/anthropic.js';
import { startGeminiServer } from '../fixtures/ai-servers/gemini.js';
import { startOpenAIServer } from '../fixtures/ai-servers/openai.js';
import type { FakeAIServer, RecordedRequest } from '../fixtures/ai-servers/shared.js';

interface Vendor {
  name: string;
  start(): Promise<FakeAIServer>;
  provider(server: FakeAIServer): AIProvider;
  /** How the request asked for a stream. */
  streamed(request: RecordedRequest): void;
}

const VENDORS: Vendor[] = [
  {
    name: 'anthropic',
    start: () => startAnthropicServer(),
    provider: (s) => new AnthropicAIProvider({ apiKey: s.apiKey, baseURL: s.origin, model: 'claude-sonnet-4-6' }),
    streamed: (r) => expect(r.body).toMatchObject({ stream: true }),
  },
  {
    name: 'openai',
    start: () => startOpenAIServer(),
    provider: (s) => new OpenAIAIProvider({ apiKey: s.apiKey, baseURL: `${s.origin}/v1`, model: 'gpt-4.1-mini' }),
    streamed: (r) => expect(r.body).toMatchObject({ stream: true, stream_options: { include_usage: true } }),
  },
  {
    name: 'gemini',
    start: () => startGeminiServer(),
    provider: (s) => new GeminiAIProvider({ apiKey: s.apiKey, baseURL: s.origin, model: 'gemini-2.5-flash' }),
    streamed: (r) => expect(r.url.pathname).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent'),
  },
];

const collect = async (events: AsyncIterable<AIStreamEvent>): Promise<AIStreamEvent[]> => {
  const out: AIStreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
};
const ctx = { messages: [{ role: 'user' as const, content: 'Where is order A1?' }] };

describe.each(VENDORS)('$name streaming', (vendor) => {
  let server: FakeAIServer;
  let provider: AIProvider;
  beforeAll(async () => {
    server = await vendor.start();
    provider = vendor.provider(server);
  });
  afterAll(() => server.close());

  it('streams text deltas, then the answer with a tool call and usage', async () => {
    server.script({ kind: 'tool_use', text: 'Let me look that up.', calls: [{ id: 'call_1', name: 'lookup_order', arguments: { order_id: 'A1' } }], usage: { input: 30, output: 12 } });
    const events = await collect(provider.generateStream!(ctx));
    const deltas = events.flatMap((e) => (e.type === 'text_delta' ? [e.delta] : []));
    expect(deltas.join('')).toBe('Let me look that up.');
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done?.type === 'done' && done.response).toMatchObject({
      content: 'Let me look that up.',
      toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { order_id: 'A1' } }],
      usage: { inputTokens: 30, outputTokens: 12 },
    });
    vendor.streamed(server.requests.at(-1)!);
  });

  it('a refused stream is the same typed, retryable error as a refused generate', async () => {
    server.script({ kind: 'overloaded' });
    const error = await collect(provider.generateStream!(ctx)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AIProviderError);
    expect((error as AIProviderError).retryable).toBe(true);
  });
});
