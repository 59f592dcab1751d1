/**
 * A real vendor SDK inside a room: AnthropicAIProvider (on @anthropic-ai/sdk) pointed at a local
 * server that speaks the Messages API, driving the durable tool loop through Temporal — including
 * a 429 with Retry-After that Temporal (not the SDK) retries, and a 401 that it does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AIChannel, WebSocketChannel, type RoomKit } from '../../src/index.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { startAnthropicServer } from '../fixtures/ai-servers/anthropic.js';
import type { FakeAIServer } from '../fixtures/ai-servers/shared.js';
import { roomId, startTestKit } from '../support/kit.js';

describe('Anthropic provider in a room (local Messages API server)', () => {
  let kit: RoomKit;
  let server: FakeAIServer;
  const lookups: string[] = [];

  beforeAll(async () => {
    server = await startAnthropicServer();
    kit = await startTestKit((k) => {
      k.registerChannel(new WebSocketChannel('ws'));
      k.registerChannel(new AIChannel('claude', {
        provider: createAnthropicProvider({ apiKey: server.apiKey, baseURL: server.origin }),
        tools: ['lookup_order'],
        systemPrompt: 'You are a support agent.',
      }));
      k.tool({
        name: 'lookup_order', description: 'Look up an order', parameters: z.object({ order_id: z.string() }),
        handler: ({ order_id }) => { lookups.push(order_id); return { order_id, status: 'shipped' }; },
      });
    });
  });
  afterAll(async () => {
    await kit.close();
    await server.close();
  });

  async function room(): Promise<string> {
    const id = roomId('claude');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'ws');
    await kit.attachChannel(id, 'claude');
    return id;
  }

  it('rides out a 429 (Retry-After honoured by Temporal), runs the tool the model asked for, and answers', async () => {
    server.reset();
    server.script(
      { kind: 'error', status: 429, message: 'rate limited', retryAfter: '1' },
      { kind: 'tool_use', text: 'Checking.', calls: [{ id: 'toolu_1', name: 'lookup_order', arguments: { order_id: 'A7' } }] },
      { kind: 'text', text: 'Order A7 has shipped.', usage: { input: 20, output: 6 } },
    );
    const id = await room();
    const result = await kit.processInbound({ channelId: 'ws', senderId: 'u', content: { type: 'text', body: 'Where is A7?' } }, { roomId: id });

    expect(result.error).toBeUndefined();
    const events = (await kit.store.listEvents(id, { limit: 50 })).filter((e) => e.index >= 2);
    expect(events.map((e) => [e.source.channelId, e.type])).toEqual([
      ['ws', 'message'], ['claude', 'message'], ['claude', 'tool_call_start'], ['claude', 'tool_call_end'], ['claude', 'message'],
    ]);
    expect(events.at(-1)?.content).toEqual({ type: 'text', body: 'Order A7 has shipped.' });
    expect(lookups).toEqual(['A7']);

    // Three requests: the refused one, the tool round, and the follow-up carrying the tool result.
    expect(server.requests).toHaveLength(3);
    const first = server.requests[1].body;
    expect(first.system).toBe('You are a support agent.');
    expect(first.tools.map((t: { name: string }) => t.name)).toEqual(['lookup_order']);
    const last = server.requests[2].body;
    const toolResult = last.messages.at(-1).content.find((b: { type: string }) => b.type === 'tool_result');
    expect(toolResult).toMatchObject({ tool_use_id: 'toolu_1', content: JSON.stringify({ order_id: 'A7', status: 'shipped' }) });
  });

  it('a 401 is not retried: the human message is delivered, result.error is set, no provider text reaches the room', async () => {
    server.reset();
    server.script({ kind: 'error', status: 401, message: 'invalid x-api-key' });
    const id = await room();
    const result = await kit.processInbound({ channelId: 'ws', senderId: 'u', content: { type: 'text', body: 'hello' } }, { roomId: id });

    expect(result.event?.status).toBe('delivered');
    expect(result.error).toMatchObject({ type: 'AIProviderError' });
    expect(server.requests).toHaveLength(1);
    const events = await kit.store.listEvents(id, { limit: 50 });
    expect(events.some((e) => e.source.channelId === 'claude')).toBe(false);
    const leaks = events.filter((e) => JSON.stringify(e).includes('invalid x-api-key'));
    expect(leaks.map((e) => ({ type: e.type, where: Object.keys(e).filter((k) => JSON.stringify((e as Record<string, unknown>)[k]).includes('invalid x-api-key')) }))).toEqual([]);
  });
});
