import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryStore } from '../../../src/store/index.js';
import {
  makeBinding, makeEvent, makeObservation, makeParticipant, makeRoom, makeTask,
} from '../../support/factories.js';

function indexes(events: { index: number }[]): number[] {
  return events.map((e) => e.index);
}

describe('InMemoryStore', () => {
  let store: InMemoryStore;
  beforeEach(() => {
    store = new InMemoryStore();
  });

  it('says its data is process-local', () => {
    expect(store.isProcessLocal).toBe(true);
  });

  describe('putEvents', () => {
    it('treats a retried write as a no-op', async () => {
      const events = [makeEvent({ index: 0 }), makeEvent({ index: 1 })];
      await store.putEvents(events);
      await store.putEvents(events);
      expect(await store.getEventCount('room-1')).toBe(2);
      expect(indexes(await store.listEvents('room-1'))).toEqual([0, 1]);
    });

    it('replaces the event at the same index, e.g. to add delivery results', async () => {
      await store.putEvents([makeEvent({ index: 0 })]);
      await store.putEvents([makeEvent({
        index: 0,
        deliveryResults: { 'sms-main': { channelId: 'sms-main', status: 'failed', error: { code: 'x', message: 'y', retryable: false } } },
      })]);
      const stored = await store.getEventByIndex('room-1', 0);
      expect(stored?.deliveryResults?.['sms-main']?.status).toBe('failed');
      expect(await store.getEventCount('room-1')).toBe(1);
    });

    it('finds events by id and idempotency key, and forgets the lookups of a replaced event', async () => {
      await store.putEvents([makeEvent({ index: 0, id: 'a', idempotencyKey: 'k-a' })]);
      expect((await store.getEvent('room-1', 'a'))?.index).toBe(0);
      expect((await store.getEventByIdempotencyKey('room-1', 'k-a'))?.id).toBe('a');

      await store.putEvents([makeEvent({ index: 0, id: 'b', idempotencyKey: 'k-b' })]);
      expect(await store.getEvent('room-1', 'a')).toBeUndefined();
      expect(await store.getEventByIdempotencyKey('room-1', 'k-a')).toBeUndefined();
      expect((await store.getEventByIdempotencyKey('room-1', 'k-b'))?.id).toBe('b');
    });

    it('keeps rooms apart', async () => {
      await store.putEvents([makeEvent({ roomId: 'room-1', index: 0 }), makeEvent({ roomId: 'room-2', index: 0 })]);
      expect(await store.getEventCount('room-1')).toBe(1);
      expect(await store.getEvent('room-2', 'room-1-evt-0')).toBeUndefined();
      expect(await store.getEventCount('nowhere')).toBe(0);
    });
  });

  describe('listEvents', () => {
    beforeEach(async () => {
      // Written out of order on purpose: listing must sort by index.
      const events = Array.from({ length: 120 }, (_, i) => makeEvent({ index: 119 - i }));
      await store.putEvents(events);
    });

    it('returns the oldest 50 in ascending order by default', async () => {
      const page = await store.listEvents('room-1');
      expect(indexes(page)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    });

    it('pages with offset and limit', async () => {
      expect(indexes(await store.listEvents('room-1', { offset: 10, limit: 3 }))).toEqual([10, 11, 12]);
      expect(indexes(await store.listEvents('room-1', { offset: 118, limit: 5 }))).toEqual([118, 119]);
      expect(await store.listEvents('room-1', { limit: 0 })).toEqual([]);
    });

    it('returns the newest `limit` events, still ascending, with newestFirst', async () => {
      expect(indexes(await store.listEvents('room-1', { limit: 3, newestFirst: true }))).toEqual([117, 118, 119]);
      expect(indexes(await store.listEvents('room-1', { limit: 3, offset: 3, newestFirst: true }))).toEqual([114, 115, 116]);
      expect(indexes(await store.listEvents('room-1', { limit: 5, offset: 118, newestFirst: true }))).toEqual([0, 1]);
    });

    it('treats afterIndex and beforeIndex as exclusive cursors and ignores offset with them', async () => {
      expect(indexes(await store.listEvents('room-1', { afterIndex: 116, offset: 50 }))).toEqual([117, 118, 119]);
      expect(indexes(await store.listEvents('room-1', { beforeIndex: 3, offset: 50 }))).toEqual([0, 1, 2]);
      expect(indexes(await store.listEvents('room-1', { afterIndex: 10, beforeIndex: 14 }))).toEqual([11, 12, 13]);
      expect(indexes(await store.listEvents('room-1', { beforeIndex: 100, limit: 2, newestFirst: true }))).toEqual([98, 99]);
    });

    it('refuses a negative or fractional limit', async () => {
      await expect(store.listEvents('room-1', { limit: -1 })).rejects.toThrow(RangeError);
      await expect(store.listEvents('room-1', { offset: 1.5 })).rejects.toThrow(RangeError);
    });

    it('filters by event type and visibility before paging', async () => {
      await store.putEvents([
        makeEvent({ index: 120, type: 'system', content: { type: 'system', body: 'attached' }, visibility: 'internal' }),
        makeEvent({ index: 121, type: 'reaction', visibility: 'internal' }),
        makeEvent({ index: 122, type: 'system', content: { type: 'system', body: 'muted' } }),
      ]);
      expect(indexes(await store.listEvents('room-1', { eventTypes: ['system'] }))).toEqual([120, 122]);
      expect(indexes(await store.listEvents('room-1', { visibility: 'internal' }))).toEqual([120, 121]);
      expect(indexes(await store.listEvents('room-1', { eventTypes: ['system'], visibility: 'all' }))).toEqual([122]);
      expect(indexes(await store.listEvents('room-1', { eventTypes: ['message'], limit: 1, newestFirst: true }))).toEqual([119]);
    });

    it('returns nothing for an unknown room', async () => {
      expect(await store.listEvents('nowhere')).toEqual([]);
    });
  });

  describe('copy isolation', () => {
    it('is not changed by mutating what was written', async () => {
      const event = makeEvent();
      await store.putEvents([event]);
      event.metadata.flag = true;
      (event.content as { body: string }).body = 'changed';
      const stored = await store.getEvent('room-1', event.id);
      expect(stored?.metadata).toEqual({});
      expect(stored?.content).toEqual({ type: 'text', body: 'message 0' });
    });

    it('is not changed by mutating what was read', async () => {
      await store.putEvents([makeEvent()]);
      await store.putRoom(makeRoom());
      await store.putBinding(makeBinding());
      (await store.listEvents('room-1'))[0].metadata.flag = true;
      (await store.getRoom('room-1'))!.metadata.flag = true;
      (await store.listBindings('room-1'))[0].metadata.phoneNumber = '+1';
      expect((await store.getEventByIndex('room-1', 0))?.metadata).toEqual({});
      expect((await store.getRoom('room-1'))?.metadata).toEqual({});
      expect((await store.getBinding('room-1', 'sms-main'))?.metadata).toEqual({});
    });
  });

  describe('rooms and bindings', () => {
    it('lists rooms oldest first, by status, with paging', async () => {
      await store.putRoom(makeRoom({ id: 'c', createdAt: '2025-01-03T00:00:00Z' }));
      await store.putRoom(makeRoom({ id: 'a', createdAt: '2025-01-01T00:00:00Z', status: 'closed' }));
      await store.putRoom(makeRoom({ id: 'b', createdAt: '2025-01-02T00:00:00Z' }));
      expect((await store.listRooms()).map((r) => r.id)).toEqual(['a', 'b', 'c']);
      expect((await store.listRooms({ status: 'active' })).map((r) => r.id)).toEqual(['b', 'c']);
      expect((await store.listRooms({ offset: 1, limit: 1 })).map((r) => r.id)).toEqual(['b']);
    });

    it('upserts bindings by room and channel and removes them', async () => {
      await store.putBinding(makeBinding());
      await store.putBinding(makeBinding({ muted: true }));
      expect(await store.listBindings('room-1')).toHaveLength(1);
      expect((await store.getBinding('room-1', 'sms-main'))?.muted).toBe(true);
      expect(await store.removeBinding('room-1', 'sms-main')).toBe(true);
      expect(await store.removeBinding('room-1', 'sms-main')).toBe(false);
      expect(await store.getBinding('room-1', 'sms-main')).toBeUndefined();
    });

    it('finds rooms bound to a channel oldest first, then by id, and filters by status', async () => {
      // Equal instants written differently: ordering compares instants, then ids.
      await store.putRoom(makeRoom({ id: 'r-new', createdAt: '2025-03-01T00:00:00Z' }));
      await store.putRoom(makeRoom({ id: 'r-b', createdAt: '2025-01-01T01:00:00+01:00' }));
      await store.putRoom(makeRoom({ id: 'r-a', createdAt: '2025-01-01T00:00:00.000Z' }));
      await store.putRoom(makeRoom({ id: 'r-closed', createdAt: '2024-01-01T00:00:00Z', status: 'closed' }));
      await store.putRoom(makeRoom({ id: 'r-other', createdAt: '2024-01-01T00:00:00Z' }));
      for (const roomId of ['r-new', 'r-b', 'r-a', 'r-closed']) await store.putBinding(makeBinding({ roomId }));
      await store.putBinding(makeBinding({ roomId: 'r-other', channelId: 'ws-user', channelType: 'websocket' }));

      expect(await store.findRoomIdsByChannel('sms-main')).toEqual(['r-closed', 'r-a', 'r-b', 'r-new']);
      expect(await store.findRoomIdsByChannel('sms-main', { status: 'active' })).toEqual(['r-a', 'r-b', 'r-new']);
      expect(await store.findRoomIdsByChannel('sms-main', { status: 'active', limit: 2 })).toEqual(['r-a', 'r-b']);
      expect(await store.findRoomIdsByChannel('nobody')).toEqual([]);
    });
  });

  describe('findLatestRoom', () => {
    beforeEach(async () => {
      await store.putRoom(makeRoom({ id: 'old', createdAt: '2025-01-01T00:00:00Z' }));
      await store.putRoom(makeRoom({ id: 'mid', createdAt: '2025-02-01T00:00:00Z' }));
      await store.putRoom(makeRoom({ id: 'new', createdAt: '2025-03-01T00:00:00Z', status: 'paused' }));
    });

    it('finds the newest room where the id is a participant, whatever the channel type', async () => {
      await store.putParticipant(makeParticipant({ id: 'alice', roomId: 'old' }));
      await store.putParticipant(makeParticipant({ id: 'alice', roomId: 'mid', channelId: 'ws-user' }));
      expect(await store.findLatestRoom('alice', 'email')).toBe('mid');
    });

    it('finds a room through a binding with that participant id and channel type only', async () => {
      await store.putBinding(makeBinding({ roomId: 'old', participantId: 'bob' }));
      await store.putBinding(makeBinding({ roomId: 'mid', participantId: 'bob', channelId: 'ws-user', channelType: 'websocket' }));
      expect(await store.findLatestRoom('bob', 'sms')).toBe('old');
      expect(await store.findLatestRoom('bob', 'websocket')).toBe('mid');
      expect(await store.findLatestRoom('bob', 'email')).toBeUndefined();
    });

    it('applies the status filter before picking the newest', async () => {
      for (const roomId of ['old', 'mid', 'new']) await store.putParticipant(makeParticipant({ id: 'carol', roomId }));
      expect(await store.findLatestRoom('carol', 'sms')).toBe('new');
      expect(await store.findLatestRoom('carol', 'sms', 'active')).toBe('mid');
      expect(await store.findLatestRoom('carol', 'sms', 'closed')).toBeUndefined();
    });

    it('returns undefined for a stranger', async () => {
      expect(await store.findLatestRoom('dave', 'sms')).toBeUndefined();
    });
  });

  describe('participants, tasks and observations', () => {
    it('keeps one participant per room and id', async () => {
      await store.putParticipant(makeParticipant());
      await store.putParticipant(makeParticipant({ displayName: 'Alice' }));
      await store.putParticipant(makeParticipant({ roomId: 'room-2' }));
      const participants = await store.listParticipants('room-1');
      expect(participants).toHaveLength(1);
      expect(participants[0].displayName).toBe('Alice');
    });

    it('is idempotent by task id and filters tasks by room and status', async () => {
      await store.putTask(makeTask({ id: 't1' }));
      await store.putTask(makeTask({ id: 't1' }));
      await store.putTask(makeTask({ id: 't2', status: 'completed' }));
      await store.putTask(makeTask({ id: 't3', roomId: 'room-2' }));
      expect((await store.listTasks('room-1')).map((t) => t.id)).toEqual(['t1', 't2']);
      expect((await store.listTasks('room-1', 'completed')).map((t) => t.id)).toEqual(['t2']);

      await store.putTask(makeTask({ id: 't1', status: 'completed' }));
      expect((await store.listTasks('room-1', 'completed')).map((t) => t.id)).toEqual(['t1', 't2']);
    });

    it('is idempotent by observation id', async () => {
      await store.putObservation(makeObservation({ id: 'o1' }));
      await store.putObservation(makeObservation({ id: 'o1' }));
      await store.putObservation(makeObservation({ id: 'o2', roomId: 'room-2' }));
      expect((await store.listObservations('room-1')).map((o) => o.id)).toEqual(['o1']);
    });
  });
});
