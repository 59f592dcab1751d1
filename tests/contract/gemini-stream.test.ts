/**
 * `GeminiAIProvider.generateStream` through the real SDK against a loopback Developer API that
 * streams `:streamGenerateContent?alt=sse` chunks as the API does (finishReason and usage on the
 * last): text deltas as they come, then the joined response, function calls and usage included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIProviderError, type AIStreamEvent } from '../../src/providers/ai/index.js';
import { GeminiAIProvider } from '../../src/providers/gemini/index.js';
import { startGeminiServer } from '../fixtures/ai-servers/gemini.js';
import type { FakeAIServer } from '../fixtures/ai-servers/shared.js';

describe('Gemini streaming', () => {
  let server: FakeAIServer;
  let gemini: GeminiAIProvider;
  beforeAll(async () => {
    server = await startGeminiServer();
    gemini = new GeminiAIProvider({ apiKey: server.apiKey, baseURL: server.origin, model: 'gemini-2.5-flash' });
  });
  afterAll(() => server.close());

  const collect = async (events: AsyncIterable<AIStreamEvent>) => {
    const out: AIStreamEvent[] = [];
    for await (const e of events) out.push(e);
    return out;
  };
  const ctx = { messages: [{ role: 'user' as const, content: 'Where is order A1?' }] };

  it('streams text deltas, then the completion with a tool call and usage', async () => {
    server.script({ kind: 'tool_use', text: 'Let me look that up.', calls: [{ id: 'call_g1', name: 'lookup_order', arguments: { order_id: 'A1' } }], usage: { input: 30, output: 12 } });
    const events = await collect(gemini.generateStream(ctx));
    const deltas = events.filter((e) => e.type === 'text_delta').map((e) => (e as { delta: string }).delta);
    expect(deltas.join('')).toBe('Let me look that up.');
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done?.type === 'done' && done.response).toMatchObject({
      content: 'Let me look that up.',
      toolCalls: [{ id: 'call_g1', name: 'lookup_order', arguments: { order_id: 'A1' } }],
      usage: { inputTokens: 30, outputTokens: 12 },
    });
    expect(server.requests.at(-1)?.url.pathname).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent');
  });

  it('a refused stream is the same typed, retryable error as a refused generate', async () => {
    server.script({ kind: 'overloaded' });
    const error = await collect(gemini.generateStream(ctx)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AIProviderError);
    expect((error as AIProviderError).retryable).toBe(true);
  });
});
