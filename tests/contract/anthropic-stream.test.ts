/**
 * `AnthropicAIProvider.generateStream` through the real SDK against a loopback Messages API that
 * streams server-sent events as the API does: text deltas as they come, then the whole message,
 * tool calls and usage included; errors as the same typed AIProviderError as `generate`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIProviderError, type AIStreamEvent } from '../../src/providers/ai/index.js';
import { AnthropicAIProvider } from '../../src/providers/anthropic/index.js';
import { startAnthropicServer } from '../fixtures/ai-servers/anthropic.js';
import type { FakeAIServer } from '../fixtures/ai-servers/shared.js';

describe('Anthropic streaming', () => {
  let server: FakeAIServer;
  let claude: AnthropicAIProvider;
  beforeAll(async () => {
    server = await startAnthropicServer();
    claude = new AnthropicAIProvider({ apiKey: server.apiKey, baseURL: server.origin, model: 'claude-sonnet-4-6' });
  });
  afterAll(() => server.close());

  const collect = async (events: AsyncIterable<AIStreamEvent>) => {
    const out: AIStreamEvent[] = [];
    for await (const e of events) out.push(e);
    return out;
  };
  const ctx = { messages: [{ role: 'user' as const, content: 'Where is order A1?' }] };

  it('streams text deltas, then the message with a tool call and usage', async () => {
    server.script({ kind: 'tool_use', text: 'Let me look that up.', calls: [{ id: 'toolu_1', name: 'lookup_order', arguments: { order_id: 'A1' } }], usage: { input: 30, output: 12 } });
    const events = await collect(claude.generateStream(ctx));
    const deltas = events.filter((e) => e.type === 'text_delta').map((e) => (e as { delta: string }).delta);
    expect(deltas.join('')).toBe('Let me look that up.');
    expect(deltas.length).toBeGreaterThan(1);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    expect(done?.type === 'done' && done.response).toMatchObject({
      content: 'Let me look that up.',
      toolCalls: [{ id: 'toolu_1', name: 'lookup_order', arguments: { order_id: 'A1' } }],
      usage: { inputTokens: 30, outputTokens: 12 },
    });
    expect(server.lastBody()).toMatchObject({ stream: true });
  });

  it('a refused stream is the same typed, retryable error as a refused generate', async () => {
    server.script({ kind: 'overloaded' });
    const error = await collect(claude.generateStream(ctx)).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(AIProviderError);
    expect((error as AIProviderError).retryable).toBe(true);
  });
});
