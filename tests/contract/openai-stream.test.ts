/**
 * `OpenAIAIProvider.generateStream` through the real SDK against a loopback Chat Completions API
 * that streams `chat.completion.chunk`s as the API does (usage last, then `[DONE]`): text deltas as
 * they come, then the assembled completion, tool calls and usage included; the same typed errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIProviderError, type AIStreamEvent } from '../../src/providers/ai/index.js';
import { OpenAIAIProvider } from '../../src/providers/openai/index.js';
import { startOpenAIServer } from '../fixtures/ai-servers/openai.js';
import type { FakeAIServer } from '../fixtures/ai-servers/shared.js';

describe('OpenAI streaming', () => {
  let server: FakeAIServer;
  let gpt: OpenAIAIProvider;
  beforeAll(async () => {
    server = await startOpenAIServer();
    gpt = new OpenAIAIProvider({ apiKey: server.apiKey, baseURL: `${server.origin}/v1`, model: 'gpt-4.1-mini' });
  });
  afterAll(() => server.close());

  const collect = async (events: AsyncIterable<AIStreamEvent>) => {
    const out: AIStreamEvent[] = [];
    for await (const e of events) out.push(e);
    return out;
  };
  const ctx = { messages: [{ role: 'user' as const, content: 'Where is order A1?' }] };

  it('streams text deltas, then the completion with a tool call and usage', async () => {
    server.script({ kind: 'tool_use', text: 'Let me look that up.', calls: [{ id: 'call_1', name: 'lookup_order', arguments: { order_id: 'A1' } }], usage: { input: 30, output: 12 } });
    const events = await collect(gpt.generateStream(ctx));
    const deltas = events.filter((e) => e.type === 'text_delta').map((e) => (e as { delta: string }).delta);
    expect(deltas.join('')).toBe('Let me look that up.');
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done?.type === 'done' && done.response).toMatchObject({
      content: 'Let me look that up.',
      toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: { order_id: 'A1' } }],
      usage: { inputTokens: 30, outputTokens: 12 },
    });
    expect(server.lastBody()).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('a refused stream is the same typed, retryable error as a refused generate', async () => {
    server.script({ kind: 'overloaded' });
    const error = await collect(gpt.generateStream(ctx)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AIProviderError);
    expect((error as AIProviderError).retryable).toBe(true);
  });
});
