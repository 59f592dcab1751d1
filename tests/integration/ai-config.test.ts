/** Per-room AI configuration and context-overflow compaction, through the public API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AIChannel, AIProviderError, MockAIProvider, WebSocketChannel, type RoomKit } from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';

describe('AI configuration', () => {
  let kit: RoomKit;
  const configured = new MockAIProvider({ responses: ['ok'] });
  let overflowOnce = true;
  const overflowing = new MockAIProvider({
    responses: ['compacted answer'],
    error: () => {
      if (!overflowOnce) return undefined;
      overflowOnce = false;
      return new AIProviderError('prompt is too long', { provider: 'mock', statusCode: 400, contextOverflow: true });
    },
  });

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new WebSocketChannel('ws'));
      k.registerChannel(new AIChannel('ai-conf', { provider: configured, systemPrompt: 'channel prompt', temperature: 0.7 }));
      k.registerChannel(new AIChannel('ai-big', { provider: overflowing, maxContextEvents: 10 }));
      k.tool({ name: 'room_tool', description: 'A tool enabled per room', parameters: z.object({}), handler: () => 'ok' });
    });
  });
  afterAll(() => kit.close());

  const say = (id: string, body: string) =>
    kit.processInbound({ channelId: 'ws', senderId: 'u', content: { type: 'text', body } }, { roomId: id });

  it("a room's aiConfig overrides the channel's defaults, and binding metadata overrides the room", async () => {
    const a = roomId('cfg');
    await kit.createRoom({ roomId: a, aiConfig: { systemPrompt: 'room prompt', temperature: 0.1, tools: ['room_tool'] } });
    await kit.attachChannel(a, 'ws');
    await kit.attachChannel(a, 'ai-conf');
    await say(a, 'hi');
    expect(configured.calls.at(-1)).toMatchObject({ systemPrompt: 'room prompt', temperature: 0.1 });
    expect(configured.calls.at(-1)?.tools?.map((t) => t.name)).toEqual(['room_tool']);

    const b = roomId('cfg');
    await kit.createRoom({ roomId: b, aiConfig: { systemPrompt: 'room prompt' } });
    await kit.attachChannel(b, 'ws');
    await kit.attachChannel(b, 'ai-conf', { metadata: { system_prompt: 'binding prompt' } });
    await say(b, 'hi');
    expect(configured.calls.at(-1)).toMatchObject({ systemPrompt: 'binding prompt', temperature: 0.7 });
  });

  it('refuses an invalid aiConfig naming the field', async () => {
    await expect(kit.createRoom({ roomId: roomId('cfg'), aiConfig: { temperature: 9 } })).rejects.toMatchObject({
      name: 'RoomKitValidationError', field: 'aiConfig.temperature',
    });
  });

  it('compacts the history once after a context overflow and answers', async () => {
    const id = roomId('big');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'ws');
    for (let i = 0; i < 12; i++) await kit.sendEvent(id, 'ws', { type: 'text', body: `earlier ${i}` });
    await kit.attachChannel(id, 'ai-big');
    overflowOnce = true;
    const before = overflowing.calls.length;
    const result = await say(id, 'summarise please');
    expect(result.error).toBeUndefined();
    const events = await kit.store.listEvents(id, { limit: 100 });
    expect(events.at(-1)).toMatchObject({ source: { channelId: 'ai-big' }, content: { body: 'compacted answer' } });
    // The refused call had the full window (10 earlier + the question); the replay half of it.
    const calls = overflowing.calls.slice(before);
    expect(calls.map((c) => c.messages.length)).toEqual([11, 6]);
    expect(calls[1].messages.at(-1)).toEqual({ role: 'user', content: 'summarise please' });
  });
});
