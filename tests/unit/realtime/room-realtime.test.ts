/** The kit's realtime verbs (RoomKit §2.7, §2.8, §13) over InMemoryRealtime and InMemoryStore. */
import { describe, expect, it } from 'vitest';
import { EventNotFoundError, InMemoryStore, RoomKitValidationError, type EphemeralEvent } from '../../../src/index.js';
import { InMemoryRealtime, RoomRealtime } from '../../../src/realtime/index.js';
import { makeEvent } from '../../support/factories.js';

async function setup() {
  const store = new InMemoryStore();
  const live = new RoomRealtime(new InMemoryRealtime(), store);
  const seen: EphemeralEvent[] = [];
  await live.subscribeRoom('room-1', (e) => void seen.push(e));
  const until = async (n: number) => {
    for (let i = 0; i < 100 && seen.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    return seen;
  };
  return { store, live, seen, until };
}

describe('RoomRealtime', () => {
  it('builds RoomKit\'s events: typing, presence (custom for other statuses), read receipt, reaction, tool progress', async () => {
    const { live, until } = await setup();
    await live.publishTyping('room-1', 'alice');
    await live.publishTyping('room-1', 'alice', false, { draft: true });
    await live.publishPresence('room-1', 'bob', 'away');
    await live.publishPresence('room-1', 'bob', 'in a meeting');
    await live.publishReadReceipt('room-1', 'bob', 'evt-1');
    await live.publishReaction('room-1', 'bob', 'evt-1', '👍');
    await live.publishToolCall('room-1', 'agent', [{ id: 't1', name: 'lookup' }], 'tool_call_end', { durationMs: 12 });
    const seen = await until(7);
    expect(seen.map((e) => [e.type, e.userId, e.data])).toEqual([
      ['typing_start', 'alice', {}],
      ['typing_stop', 'alice', { draft: true }],
      ['presence_away', 'bob', {}],
      ['custom', 'bob', { status: 'in a meeting' }],
      ['read_receipt', 'bob', { event_id: 'evt-1' }],
      ['reaction', 'bob', { target_event_id: 'evt-1', emoji: '👍', action: 'add' }],
      ['tool_call_end', 'agent', { tool_calls: [{ id: 't1', name: 'lookup' }], channel_id: 'agent', duration_ms: 12 }],
    ]);
    for (const e of seen) {
      expect(e.roomId).toBe('room-1');
      expect(Number.isNaN(Date.parse(e.timestamp))).toBe(false);
    }
    expect(new Set(seen.map((e) => e.id)).size).toBe(7);
  });

  it('refuses bad input naming the field, and publishes nothing', async () => {
    const { live, seen } = await setup();
    const err = await live.publishTyping('../etc', 'alice').catch((e) => e);
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect(err.field).toBe('roomId');
    expect((await live.publishReaction('room-1', '', 'e', '👍').catch((e) => e)).field).toBe('userId');
    expect((await live.publishReaction('room-1', 'u', 'e', '👍', 'explode' as 'add').catch((e) => e)).field).toBe('action');
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([]);
  });

  it('stores read markers by event id, forward only, and counts what is unread', async () => {
    const { store, live } = await setup();
    await store.putEvents([0, 1, 2].map((index) => makeEvent({ index, id: `e${index}` })));
    expect(await live.getUnreadCount('room-1', 'alice')).toBe(3);
    expect(await live.markRead('room-1', 'alice', 'e1')).toBe(1);
    expect(await live.getUnreadCount('room-1', 'alice')).toBe(1);
    await expect(live.markRead('room-1', 'alice', 'nope')).rejects.toBeInstanceOf(EventNotFoundError);
    expect(await live.markAllRead('room-1', 'bob')).toBe(2);
    expect(await live.markAllRead('room-empty', 'bob')).toBeUndefined();
    expect(await live.listReadMarkers('room-1')).toEqual({ alice: 1, bob: 2 });
  });
});
