import { EMPTY_MANIFEST } from '../../../src/models/index.js';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../../activities/index.js';
import { HookRegistry } from '../../../src/hooks/registry.js';
import { ToolRegistry } from '../../../src/tools/registry.js';
import { FrameworkEventBus } from '../../../src/hooks/framework-events.js';
import { AIChannel, InMemoryStore, MockAIProvider } from '../../../src/index.js';
import { makeBinding, makeEvent, makeRoom } from '../../support/factories.js';

describe('respond activity', () => {
  it("loads as much history as the AI channel's window asks for, beyond the default 50", async () => {
    const store = new InMemoryStore();
    const provider = new MockAIProvider({ responses: ['ok'] });
    const ai = new AIChannel('ai', { provider, maxContextEvents: 60 });
    const room = makeRoom({ id: 'r1' });
    await store.putRoom(room);
    const binding = makeBinding({ roomId: 'r1', channelId: 'ai', channelType: 'ai', category: 'intelligence' });
    await store.putBinding(binding);
    await store.putBinding(makeBinding({ roomId: 'r1', channelId: 'ws' }));
    const events = Array.from({ length: 70 }, (_, i) =>
      makeEvent({ id: `e${i}`, roomId: 'r1', index: i, status: 'delivered', content: { type: 'text', body: `m${i}` }, source: { channelId: 'ws', channelType: 'websocket', direction: 'inbound' } }));
    await store.putEvents(events);

    const channels = new Map([['ai', ai]]);
    const activities = createActivities({
      store, channels, hooks: new HookRegistry(), tools: new ToolRegistry(), events: new FrameworkEventBus(),
      manifest: () => EMPTY_MANIFEST,
    });
    const out = await activities.respond({ roomId: 'r1', event: events[69], binding });

    expect(out.responseEvents[0].content).toEqual({ type: 'text', body: 'ok' });
    const messages = provider.calls[0].messages;
    expect(messages).toHaveLength(61); // 60 earlier messages + the current one
    expect(messages[0].content).toBe('m9');
    expect(messages[60].content).toBe('m69');
  });
});
