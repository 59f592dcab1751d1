/**
 * The durable tool loop through the public API: generation and each tool call are activities, the
 * loop is room workflow code; the timeline gets RoomKit's events with one correlation id (§10.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AIChannel, AIProviderError, HookResult, MockAIProvider, MockSMSProvider, SMSChannel, WebSocketChannel,
  type AIResponse, type FrameworkEvent, type RoomEvent, type RoomKit,
} from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

const call = (name: string, args: Record<string, unknown>, id = `call-${name}`): AIResponse =>
  ({ content: '', toolCalls: [{ id, name, arguments: args }] });

describe('AI tool loop', () => {
  let kit: RoomKit;
  const providers: Record<string, MockAIProvider> = {};
  const toolRuns: string[] = [];
  const naps: { at: 'start' | 'end'; t: number }[] = [];

  function ai(id: string, aiResponses: AIResponse[], options: { maxToolRounds?: number; toolLoopTimeoutSeconds?: number } = {}): void {
    providers[id] = new MockAIProvider({ aiResponses });
    kit.registerChannel(new AIChannel(id, { provider: providers[id], tools: ['lookup_order', 'explode', 'secret', 'nap'], ...options }));
  }

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new WebSocketChannel('ws'));
      k.tool({
        name: 'lookup_order',
        description: 'Look up an order',
        parameters: z.object({ order_id: z.string() }),
        handler: ({ order_id }) => {
          toolRuns.push(order_id);
          return { order_id, status: 'shipped' };
        },
      });
      k.tool({
        name: 'explode', description: 'Always fails', parameters: { type: 'object', properties: {} },
        handler: () => { throw new Error('kaboom'); },
      });
      k.tool({ name: 'secret', description: 'Guarded', parameters: { type: 'object', properties: {} }, handler: () => 'the secret' });
      k.tool({
        name: 'nap', description: 'Sleeps', parameters: z.object({ ms: z.number() }),
        handler: async ({ ms }) => {
          naps.push({ at: 'start', t: Date.now() });
          await new Promise((r) => setTimeout(r, ms));
          naps.push({ at: 'end', t: Date.now() });
          return 'rested';
        },
      });
    });
  });
  afterAll(() => kit.close());

  async function converse(aiId: string, body: string): Promise<RoomEvent[]> {
    const id = roomId('tools');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'ws');
    await kit.attachChannel(id, aiId);
    const result = await kit.processInbound({ channelId: 'ws', senderId: 'u1', content: { type: 'text', body } }, { roomId: id });
    expect(result.blocked).toBe(false);
    return (await kit.store.listEvents(id, { limit: 100 })).filter((e) => e.index >= 2);
  }

  it('runs a tool round and answers; the timeline has text-before, tool start/end and the final message with one correlation id', async () => {
    ai('ai-orders', [
      { content: 'Let me check.', toolCalls: [{ id: 't1', name: 'lookup_order', arguments: { order_id: 'A1' } }] },
      { content: 'Your order A1 has shipped.', usage: { inputTokens: 10, outputTokens: 5 } },
    ]);
    const events = await converse('ai-orders', 'Where is order A1?');
    expect(events.map((e) => [e.source.channelId, e.type])).toEqual([
      ['ws', 'message'], ['ai-orders', 'message'], ['ai-orders', 'tool_call_start'], ['ai-orders', 'tool_call_end'], ['ai-orders', 'message'],
    ]);
    const [, before, start, end, final] = events;
    expect(before.content).toEqual({ type: 'text', body: 'Let me check.' });
    expect(start.content).toMatchObject({ type: 'tool_call', toolName: 'lookup_order', toolId: 't1', status: 'pending', arguments: { order_id: 'A1' } });
    expect(end.content).toMatchObject({ type: 'tool_call', status: 'completed', result: JSON.stringify({ order_id: 'A1', status: 'shipped' }) });
    expect(final.content).toEqual({ type: 'text', body: 'Your order A1 has shipped.' });
    expect(final.metadata).toMatchObject({ loop_end_reason: 'completed', tool_rounds: 1, ai_usage: { inputTokens: 10, outputTokens: 5 } });
    expect(new Set([before, start, end, final].map((e) => e.correlationId)).size).toBe(1);
    expect(final.correlationId).toBeTruthy();
    expect(toolRuns).toEqual(['A1']);

    // The model saw the tool definition (as JSON schema) and, next round, its call and the result.
    const [first, second] = providers['ai-orders'].calls;
    expect(first.tools?.map((t) => t.name)).toEqual(['lookup_order', 'explode', 'secret', 'nap']);
    expect(first.tools?.[0].parameters).toMatchObject({ type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] });
    expect(second.messages.slice(-2)).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_call', id: 't1', name: 'lookup_order', arguments: { order_id: 'A1' } }] },
      { role: 'tool', content: [{ type: 'tool_result', toolCallId: 't1', content: JSON.stringify({ order_id: 'A1', status: 'shipped' }), isError: false }] },
    ]);
  });

  it('an SMS customer of a three-tool turn gets exactly one SMS, the answer, and the SMS breaker stays closed', async () => {
    const sms = new MockSMSProvider();
    const breaker: FrameworkEvent[] = [];
    kit.registerChannel(new SMSChannel('sms-tools', { provider: sms, fromNumber: '+15550000000' }));
    kit.on('circuit_breaker_opened', (e) => { breaker.push(e); });
    ai('ai-three', [
      { content: '', toolCalls: ['A1', 'A2', 'A3'].map((order_id, i) => ({ id: `t${i}`, name: 'lookup_order', arguments: { order_id } })) },
      { content: 'All three orders have shipped.' },
    ]);
    const id = roomId('tools-sms');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-tools', { metadata: { phoneNumber: '+15557654321' } });
    await kit.attachChannel(id, 'ws');
    await kit.attachChannel(id, 'ai-three');
    const result = await kit.processInbound(
      { channelId: 'sms-tools', senderId: '+15557654321', content: { type: 'text', body: 'Where are my orders?' } }, { roomId: id },
    );
    expect(result.blocked).toBe(false);
    const events = (await kit.store.listEvents(id, { limit: 100 })).filter((e) => e.source.channelId === 'ai-three');
    expect(events.filter((e) => e.type === 'tool_call_start')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'tool_call_end')).toHaveLength(3);
    expect(events.at(-1)?.type).toBe('message');
    // The customer's phone got the answer and nothing else; no refusal was recorded on any event.
    expect(sms.calls.map((c) => (c.event.content.type === 'text' ? c.event.content.body : c.event.content.type)))
      .toEqual(['All three orders have shipped.']);
    expect(events.every((e) => !e.deliveryResults?.['sms-tools'])).toBe(true);
    expect(breaker).toEqual([]);
  });

  it('turns a throwing tool, invalid arguments and an unknown tool into error results the model sees, and goes on', async () => {
    ai('ai-errors', [
      { content: '', toolCalls: [
        { id: 'a', name: 'explode', arguments: {} },
        { id: 'b', name: 'lookup_order', arguments: { order_id: 42 } },
        { id: 'c', name: 'no_such_tool', arguments: {} },
      ] },
      { content: 'Sorry, something went wrong.' },
    ]);
    const events = await converse('ai-errors', 'try things');
    const ends = events.filter((e) => e.type === 'tool_call_end').map((e) => e.content as { toolId: string; status: string; result: string });
    expect(ends.map((e) => [e.toolId, e.status])).toEqual([['a', 'failed'], ['b', 'failed'], ['c', 'failed']]);
    expect(ends[0].result).toBe("Error executing tool 'explode': kaboom");
    expect(ends[1].result).toMatch(/^Error: invalid arguments for tool 'lookup_order': order_id:/);
    expect(ends[2].result).toBe("Error: unknown tool 'no_such_tool'");
    const results = providers['ai-errors'].calls[1].messages.at(-1)?.content as { isError: boolean }[];
    expect(results.map((r) => r.isError)).toEqual([true, true, true]);
    expect(events.at(-1)?.content).toEqual({ type: 'text', body: 'Sorry, something went wrong.' });
  });

  it('stops at maxToolRounds with loop_end_reason max_rounds', async () => {
    ai('ai-loop', [call('lookup_order', { order_id: 'L' })], { maxToolRounds: 2 });
    const events = await converse('ai-loop', 'loop forever');
    expect(events.filter((e) => e.type === 'tool_call_end')).toHaveLength(2);
    expect(events.at(-1)?.metadata).toMatchObject({ loop_end_reason: 'max_rounds', tool_rounds: 2 });
  });

  it('BEFORE_TOOL_USE can deny a call and ON_TOOL_CALL can replace a result', async () => {
    const deny = kit.hook('before_tool_use', { name: 'deny-secret', channelIds: ['ai-hooks'] }, (event) =>
      event.content.type === 'tool_call' && event.content.toolName === 'secret' ? HookResult.block('not for you') : HookResult.allow());
    const redact = kit.hook('on_tool_call', { name: 'redact-orders', channelIds: ['ai-hooks'] }, (event) =>
      event.content.type === 'tool_call' && event.content.toolName === 'lookup_order' ? HookResult.allow({ metadata: { result: '[redacted]' } }) : HookResult.allow());
    try {
      ai('ai-hooks', [
        { content: '', toolCalls: [{ id: 's', name: 'secret', arguments: {} }, { id: 'o', name: 'lookup_order', arguments: { order_id: 'R' } }] },
        { content: 'done' },
      ]);
      const events = await converse('ai-hooks', 'tell me');
      const ends = events.filter((e) => e.type === 'tool_call_end').map((e) => e.content as { toolId: string; result: string; status: string });
      expect(ends).toEqual([
        expect.objectContaining({ toolId: 's', status: 'failed', result: JSON.stringify({ error: 'not for you' }) }),
        expect.objectContaining({ toolId: 'o', status: 'completed', result: '[redacted]' }),
      ]);
    } finally {
      kit.removeHook(deny.name);
      kit.removeHook(redact.name);
    }
  });

  it('a BEFORE_AI_GENERATION hook that blocks means no answer at all', async () => {
    const gate = kit.hook('before_ai_generation', { name: 'quiet-ai', channelIds: ['ws'] }, () => HookResult.block('quiet hours'));
    try {
      ai('ai-quiet', [{ content: 'should not be said' }]);
      const events = await converse('ai-quiet', 'hello?');
      expect(events.map((e) => e.source.channelId)).toEqual(['ws']);
      expect(providers['ai-quiet'].calls).toHaveLength(0);
    } finally {
      kit.removeHook(gate.name);
    }
  });

  it("runs a round's tool calls concurrently", async () => {
    naps.length = 0;
    ai('ai-naps', [
      { content: '', toolCalls: [{ id: 'n1', name: 'nap', arguments: { ms: 700 } }, { id: 'n2', name: 'nap', arguments: { ms: 700 } }] },
      { content: 'rested twice' },
    ]);
    await converse('ai-naps', 'rest');
    const starts = naps.filter((n) => n.at === 'start').map((n) => n.t);
    const firstEnd = Math.min(...naps.filter((n) => n.at === 'end').map((n) => n.t));
    expect(starts).toHaveLength(2);
    expect(Math.max(...starts)).toBeLessThan(firstEnd); // both started before either finished
  });

  it('ends the loop with loop_end_reason timeout once its time budget is spent', async () => {
    ai('ai-slow', [{ content: '', toolCalls: [{ id: 's', name: 'nap', arguments: { ms: 1200 } }] }], { toolLoopTimeoutSeconds: 1 });
    const events = await converse('ai-slow', 'take your time');
    expect(events.filter((e) => e.type === 'tool_call_end')).toHaveLength(1);
    expect(events.at(-1)?.metadata).toMatchObject({ loop_end_reason: 'timeout', tool_rounds: 1 });
  });

  it('ON_AI_RESPONSE observers see each generation with its usage', async () => {
    const seen: { body: string; round: unknown; usage: unknown }[] = [];
    const hook = kit.hook('on_ai_response', { name: 'ai-audit', execution: 'async' }, (event) => {
      if (event.source.channelId === 'ai-observed' && event.content.type === 'text') {
        seen.push({ body: event.content.body, round: event.metadata.round, usage: event.metadata.usage });
      }
    });
    try {
      ai('ai-observed', [
        { content: 'looking', toolCalls: [{ id: 'o1', name: 'lookup_order', arguments: { order_id: 'Z' } }], usage: { inputTokens: 3, outputTokens: 1 } },
        { content: 'found it', usage: { inputTokens: 5, outputTokens: 2 } },
      ]);
      await converse('ai-observed', 'find Z');
      expect(seen).toEqual([
        { body: 'looking', round: 0, usage: { inputTokens: 3, outputTokens: 1 } },
        { body: 'found it', round: 1, usage: { inputTokens: 5, outputTokens: 2 } },
      ]);
    } finally {
      kit.removeHook(hook.name);
    }
  });

  it('a provider failure mid-loop keeps what was said and closes with [Response interrupted] (loop_end_reason error), hiding the error text', async () => {
    let calls = 0;
    providers['ai-broken'] = new MockAIProvider({
      aiResponses: [{ content: 'Working on it.', toolCalls: [{ id: 'w', name: 'lookup_order', arguments: { order_id: 'W' } }] }],
      error: () => (++calls === 2 ? new AIProviderError('upstream exploded: secret-internal-detail', { provider: 'mock', retryable: false }) : undefined),
    });
    kit.registerChannel(new AIChannel('ai-broken', { provider: providers['ai-broken'], tools: ['lookup_order'] }));
    const events = await converse('ai-broken', 'go');
    const said = events.filter((e) => e.source.channelId === 'ai-broken' && e.type === 'message');
    expect(said.map((e) => (e.content as { body: string }).body)).toEqual(['Working on it.', '[Response interrupted]']);
    expect(said[1].metadata).toMatchObject({ loop_end_reason: 'error' });
    expect(JSON.stringify(events)).not.toContain('secret-internal-detail');
  });
});
