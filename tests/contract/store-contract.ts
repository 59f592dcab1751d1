/**
 * The ConversationStore contract: the behaviour every store must show, whatever keeps the data.
 * Each case gets a fresh, empty store from `make` and releases it with `cleanup`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryResult, Identity } from '../../src/models/index.js';
import type { ConversationStore } from '../../src/store/index.js';
import {
  makeBinding, makeEvent, makeObservation, makeParticipant, makeRoom, makeTask,
} from '../support/factories.js';

export interface StoreFixture {
  store: ConversationStore;
  /** Close the store and remove whatever it left behind. */
  cleanup(): Promise<void>;
}

function indexes(events: { index: number }[]): number[] {
  return events.map((e) => e.index);
}

/**
 * @example
 * conversationStoreContract('InMemoryStore', async () => ({ store: new InMemoryStore(), cleanup: async () => {} }));
 */
export function conversationStoreContract(name: string, make: () => Promise<StoreFixture>): void {
  describe(`ConversationStore contract: ${name}`, () => {
    let store: ConversationStore;
    let fixture: StoreFixture | undefined;
    beforeEach(async () => {
      fixture = await make();
      store = fixture.store;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
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

      it('lets the later of two events at one index in a batch win, as writing them in turn would', async () => {
        await store.putEvents([makeEvent({ index: 0, id: 'first' }), makeEvent({ index: 1 }), makeEvent({ index: 0, id: 'second' })]);
        expect((await store.listEvents('room-1')).map((e) => e.id)).toEqual(['second', 'room-1-evt-1']);
        expect(await store.getEvent('room-1', 'first')).toBeUndefined();
      });

      it('forgets the idempotency key of an event replaced by one without a key', async () => {
        await store.putEvents([makeEvent({ index: 0, idempotencyKey: 'k-a' })]);
        await store.putEvents([makeEvent({ index: 0 })]);
        expect(await store.getEventByIdempotencyKey('room-1', 'k-a')).toBeUndefined();
        expect((await store.getEvent('room-1', 'room-1-evt-0'))?.idempotencyKey).toBeUndefined();
      });

      it('keeps rooms apart', async () => {
        await store.putEvents([makeEvent({ roomId: 'room-1', index: 0 }), makeEvent({ roomId: 'room-2', index: 0 })]);
        expect(await store.getEventCount('room-1')).toBe(1);
        expect(await store.getEvent('room-2', 'room-1-evt-0')).toBeUndefined();
        expect(await store.getEventCount('nowhere')).toBe(0);
      });

      it('stores every field as written and accepts an empty batch', async () => {
        const event = makeEvent({
          index: 3, parentEventId: 'p', correlationId: 'c', addressedTo: ['ai'], metadata: { nested: { list: [1, 'two', null] } },
          channelData: { provider: 'twilio', extra: { x: true } },
        });
        await store.putEvents([event]);
        await store.putEvents([]);
        expect(await store.getEventByIndex('room-1', 3)).toEqual(event);
        expect(await store.getEventByIndex('room-1', 4)).toBeUndefined();
        expect(await store.getEventByIdempotencyKey('room-1', 'nope')).toBeUndefined();
      });
    });

    describe('findEventByProviderMessageId', () => {
      const sent = (channelId: string, providerMessageId?: string): Record<string, DeliveryResult> => ({
        [channelId]: { channelId, status: 'sent', ...(providerMessageId !== undefined && { providerMessageId }) },
      });

      it('finds the event and channel a vendor message id was delivered as', async () => {
        await store.putEvents([
          makeEvent({ index: 0 }),
          makeEvent({
            index: 1,
            deliveryResults: {
              ...sent('sms-main', 'SM-1'),
              ...sent('email-main', 'mail-1'),
              'ws-user': { channelId: 'ws-user', status: 'failed', error: { code: 'x', message: 'y', retryable: true } },
            },
          }),
        ]);
        expect(await store.findEventByProviderMessageId('SM-1'))
          .toEqual({ roomId: 'room-1', eventId: 'room-1-evt-1', index: 1, channelId: 'sms-main' });
        expect(await store.findEventByProviderMessageId('mail-1', 'email-main'))
          .toEqual({ roomId: 'room-1', eventId: 'room-1-evt-1', index: 1, channelId: 'email-main' });
        expect(await store.findEventByProviderMessageId('SM-1', 'email-main')).toBeUndefined();
        expect(await store.findEventByProviderMessageId('SM-unknown')).toBeUndefined();
      });

      it('follows a replaced event: a dropped id is forgotten, a new one is found', async () => {
        await store.putEvents([makeEvent({ index: 0, deliveryResults: sent('sms-main', 'SM-old') })]);
        await store.putEvents([makeEvent({ index: 0, deliveryResults: sent('sms-main', 'SM-new') })]);
        expect(await store.findEventByProviderMessageId('SM-old')).toBeUndefined();
        expect((await store.findEventByProviderMessageId('SM-new'))?.index).toBe(0);

        await store.putEvents([makeEvent({ index: 0, id: 'other' })]);
        expect(await store.findEventByProviderMessageId('SM-new')).toBeUndefined();
        await store.putEvents([makeEvent({ index: 0, id: 'other', deliveryResults: sent('sms-main') })]);
        expect(await store.findEventByProviderMessageId('SM-new')).toBeUndefined();
      });

      it('treats a retried write as a no-op and picks the most recently written of a reused id', async () => {
        const first = makeEvent({ index: 0, deliveryResults: { ...sent('sms-main', 'dup'), ...sent('sms-backup', 'dup') } });
        await store.putEvents([first]);
        await store.putEvents([first]);
        expect((await store.findEventByProviderMessageId('dup', 'sms-main'))?.roomId).toBe('room-1');

        await store.putEvents([makeEvent({ roomId: 'room-2', index: 5, deliveryResults: sent('sms-main', 'dup') })]);
        expect(await store.findEventByProviderMessageId('dup'))
          .toEqual({ roomId: 'room-2', eventId: 'room-2-evt-5', index: 5, channelId: 'sms-main' });
        expect((await store.findEventByProviderMessageId('dup', 'sms-backup'))?.roomId).toBe('room-1');
      });

      it('indexes a delivery recorded by the worker before the event carries results, idempotently', async () => {
        await store.putEvents([makeEvent({ index: 3 })]);
        const record = (providerMessageId: string) => store.recordDelivery({
          roomId: 'room-1', eventId: 'room-1-evt-3', index: 3, channelId: 'sms-main',
          result: { channelId: 'sms-main', status: 'sent', providerMessageId },
        });
        expect(await store.getDelivery('room-1', 3, 'sms-main')).toBeUndefined();
        await record('SM-w1');
        await record('SM-w1');
        expect(await store.getDelivery('room-1', 3, 'sms-main')).toMatchObject({ channelId: 'sms-main', status: 'sent', providerMessageId: 'SM-w1' });
        expect(await store.findEventByProviderMessageId('SM-w1', 'sms-main'))
          .toEqual({ roomId: 'room-1', eventId: 'room-1-evt-3', index: 3, channelId: 'sms-main' });
        // A retried send numbered anew replaces the first id for that (room, index, channel).
        await record('SM-w2');
        expect(await store.findEventByProviderMessageId('SM-w1')).toBeUndefined();
        expect((await store.findEventByProviderMessageId('SM-w2'))?.index).toBe(3);
        // The room's own record of the results, written later, takes over.
        await store.putEvents([makeEvent({ index: 3, deliveryResults: sent('sms-main', 'SM-w2') })]);
        expect((await store.findEventByProviderMessageId('SM-w2'))?.eventId).toBe('room-1-evt-3');
        // Rewritten without results (an edit, say): what was recorded at that index is gone, as in SQL.
        await store.putEvents([makeEvent({ index: 3 })]);
        expect(await store.getDelivery('room-1', 3, 'sms-main')).toBeUndefined();
        expect(await store.findEventByProviderMessageId('SM-w2')).toBeUndefined();
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
        expect(indexes(await store.listEvents('room-1', { offset: 115, limit: Number.MAX_SAFE_INTEGER }))).toEqual([115, 116, 117, 118, 119]);
      });

      it('returns the newest `limit` events, still ascending, with newestFirst', async () => {
        expect(indexes(await store.listEvents('room-1', { limit: 3, newestFirst: true }))).toEqual([117, 118, 119]);
        expect(indexes(await store.listEvents('room-1', { limit: 3, offset: 3, newestFirst: true }))).toEqual([114, 115, 116]);
        expect(indexes(await store.listEvents('room-1', { limit: 5, offset: 118, newestFirst: true }))).toEqual([0, 1]);
        expect(await store.listEvents('room-1', { limit: 5, offset: 120, newestFirst: true })).toEqual([]);
      });

      it('treats afterIndex and beforeIndex as exclusive cursors and ignores offset with them', async () => {
        expect(indexes(await store.listEvents('room-1', { afterIndex: 116, offset: 50 }))).toEqual([117, 118, 119]);
        expect(indexes(await store.listEvents('room-1', { beforeIndex: 3, offset: 50 }))).toEqual([0, 1, 2]);
        expect(indexes(await store.listEvents('room-1', { afterIndex: 10, beforeIndex: 14 }))).toEqual([11, 12, 13]);
        expect(indexes(await store.listEvents('room-1', { beforeIndex: 100, limit: 2, newestFirst: true }))).toEqual([98, 99]);
        expect(indexes(await store.listEvents('room-1', { afterIndex: -1, limit: 2 }))).toEqual([0, 1]);
        expect(await store.listEvents('room-1', { afterIndex: 119 })).toEqual([]);
        expect(await store.listEvents('room-1', { afterIndex: 5, beforeIndex: 6 })).toEqual([]);
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
        expect(indexes(await store.listEvents('room-1', { eventTypes: ['system', 'reaction'], afterIndex: 119 }))).toEqual([120, 121, 122]);
        expect(await store.listEvents('room-1', { eventTypes: [] })).toEqual([]);
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
      it('stores a room as written and replaces it by id', async () => {
        const room = makeRoom({ metadata: { tier: 'gold' }, aiConfig: { systemPrompt: 'be brief', tools: ['t'] } });
        await store.putRoom(room);
        expect(await store.getRoom('room-1')).toEqual(room);
        await store.putRoom(makeRoom({ status: 'closed', eventCount: 4 }));
        expect(await store.getRoom('room-1')).toMatchObject({ status: 'closed', eventCount: 4 });
        expect(await store.listRooms()).toHaveLength(1);
        expect(await store.listRooms({ status: 'active' })).toEqual([]);
        expect(await store.getRoom('nowhere')).toBeUndefined();
      });

      it('lists rooms oldest first, by status, with paging', async () => {
        await store.putRoom(makeRoom({ id: 'c', createdAt: '2025-01-03T00:00:00Z' }));
        await store.putRoom(makeRoom({ id: 'a', createdAt: '2025-01-01T00:00:00Z', status: 'closed' }));
        await store.putRoom(makeRoom({ id: 'b', createdAt: '2025-01-02T00:00:00Z' }));
        expect((await store.listRooms()).map((r) => r.id)).toEqual(['a', 'b', 'c']);
        expect((await store.listRooms({ status: 'active' })).map((r) => r.id)).toEqual(['b', 'c']);
        expect((await store.listRooms({ offset: 1, limit: 1 })).map((r) => r.id)).toEqual(['b']);
        await expect(store.listRooms({ limit: -1 })).rejects.toThrow(RangeError);
      });

      it('lists 100 rooms by default', async () => {
        for (let i = 0; i < 101; i++) await store.putRoom(makeRoom({ id: `r-${String(i).padStart(3, '0')}` }));
        const rooms = await store.listRooms();
        expect(rooms).toHaveLength(100);
        expect(rooms.at(-1)?.id).toBe('r-099');
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

      it('lists bindings in first-attach order; an update keeps its place, a re-attach goes last', async () => {
        await store.putBinding(makeBinding({ channelId: 'b' }));
        await store.putBinding(makeBinding({ channelId: 'a' }));
        await store.putBinding(makeBinding({ channelId: 'c' }));
        await store.putBinding(makeBinding({ channelId: 'room-2-only', roomId: 'room-2' }));
        await store.putBinding(makeBinding({ channelId: 'b', muted: true }));
        expect((await store.listBindings('room-1')).map((b) => b.channelId)).toEqual(['b', 'a', 'c']);
        await store.removeBinding('room-1', 'b');
        await store.putBinding(makeBinding({ channelId: 'b' }));
        expect((await store.listBindings('room-1')).map((b) => b.channelId)).toEqual(['a', 'c', 'b']);
        expect(await store.listBindings('nowhere')).toEqual([]);
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
        expect(await store.findRoomIdsByChannel('sms-main', { limit: 0 })).toEqual([]);
        expect(await store.findRoomIdsByChannel('nobody')).toEqual([]);
        await expect(store.findRoomIdsByChannel('sms-main', { limit: 1.5 })).rejects.toThrow(RangeError);
      });

      it('finds only rooms that have a room record, and forgets a removed binding', async () => {
        await store.putBinding(makeBinding({ roomId: 'no-record' }));
        await store.putRoom(makeRoom({ id: 'room-1' }));
        await store.putBinding(makeBinding({ roomId: 'room-1' }));
        expect(await store.findRoomIdsByChannel('sms-main')).toEqual(['room-1']);
        await store.removeBinding('room-1', 'sms-main');
        expect(await store.findRoomIdsByChannel('sms-main')).toEqual([]);
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

      it('breaks a createdAt tie by the greater id', async () => {
        // Equal instants whose texts order the other way: the id decides, not the text.
        await store.putRoom(makeRoom({ id: 'twin-a', createdAt: '2025-04-01T02:00:00+02:00' }));
        await store.putRoom(makeRoom({ id: 'twin-b', createdAt: '2025-04-01T00:00:00Z' }));
        for (const roomId of ['twin-b', 'twin-a', 'old']) await store.putParticipant(makeParticipant({ id: 'erin', roomId }));
        expect(await store.findLatestRoom('erin', 'sms')).toBe('twin-b');
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

      it('lists participants in first-join order', async () => {
        for (const id of ['zed', 'amy', 'kim']) await store.putParticipant(makeParticipant({ id }));
        await store.putParticipant(makeParticipant({ id: 'zed', displayName: 'Zed' }));
        expect((await store.listParticipants('room-1')).map((p) => p.id)).toEqual(['zed', 'amy', 'kim']);
        expect(await store.listParticipants('nowhere')).toEqual([]);
      });

      it('gets one participant by room and id, the latest write', async () => {
        await store.putParticipant(makeParticipant({ connectedVia: ['sms-main', 'ws-user'] }));
        await store.putParticipant(makeParticipant({ status: 'left', connectedVia: ['sms-main', 'ws-user'] }));
        const got = await store.getParticipant('room-1', 'user-1');
        expect(got?.status).toBe('left');
        expect(got?.connectedVia).toEqual(['sms-main', 'ws-user']);
        expect(await store.getParticipant('room-2', 'user-1')).toBeUndefined();
        expect(await store.getParticipant('room-1', 'stranger')).toBeUndefined();
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
        await store.putObservation(makeObservation({ id: 'o1', content: 'revised' }));
        expect((await store.listObservations('room-1')).map((o) => o.content)).toEqual(['revised']);
      });
    });

    describe('identities', () => {
      const alice = (overrides: Partial<Identity> = {}): Identity => ({
        id: 'id-alice', displayName: 'Alice', channelAddresses: { sms: ['+1 (555) 123-4567'] }, externalIds: {}, metadata: {},
        ...overrides,
      });

      it('creates, gets and resolves by channel type and normalised address', async () => {
        expect(await store.createIdentity(alice({ email: 'Alice@Example.COM' }))).toMatchObject({ id: 'id-alice' });
        expect((await store.getIdentity('id-alice'))?.displayName).toBe('Alice');
        expect((await store.resolveIdentity('sms', '+15551234567'))?.id).toBe('id-alice');
        expect((await store.resolveIdentity('sms', '555.123.4567'))?.id).toBe('id-alice');
        expect((await store.resolveIdentity('phone', '00 1 555 123 4567'))).toBeUndefined();
        expect((await store.resolveIdentity('email', ' alice@example.com'))?.id).toBe('id-alice');
        expect(await store.resolveIdentity('whatsapp', '+15551234567')).toBeUndefined();
        expect(await store.getIdentity('nobody')).toBeUndefined();
      });

      it('indexes phone under `phone`, and keeps organisations apart both ways', async () => {
        await store.createIdentity(alice({ organizationId: 'acme', phone: '+15551234567' }));
        expect((await store.resolveIdentity('phone', '15551234567', 'acme'))?.id).toBe('id-alice');
        expect(await store.resolveIdentity('sms', '+15551234567')).toBeUndefined();
        expect(await store.resolveIdentity('sms', '+15551234567', 'other')).toBeUndefined();
        expect((await store.resolveIdentity('sms', '+15551234567', 'acme'))?.id).toBe('id-alice');
      });

      it('links an address, and a re-created identity forgets the addresses it dropped', async () => {
        await store.createIdentity(alice());
        const linked = await store.linkAddress('id-alice', 'whatsapp', 'whatsapp:+15551234567');
        expect(linked.channelAddresses.whatsapp).toEqual(['whatsapp:+15551234567']);
        expect((await store.resolveIdentity('whatsapp', '+15551234567'))?.id).toBe('id-alice');
        expect((await store.getIdentity('id-alice'))?.channelAddresses.whatsapp).toEqual(['whatsapp:+15551234567']);
        await store.createIdentity(alice({ channelAddresses: { email: ['alice@example.com'] } }));
        expect(await store.resolveIdentity('sms', '+15551234567')).toBeUndefined();
        expect((await store.resolveIdentity('email', 'ALICE@example.com'))?.id).toBe('id-alice');
        await expect(store.linkAddress('nobody', 'sms', '+15550000000')).rejects.toMatchObject({ name: 'IdentityNotFoundError' });
      });
    });

    describe('read markers', () => {
      it('counts every stored event after the marker, none read ⇒ all, and the marker never moves back', async () => {
        await store.putEvents([0, 1, 2, 3].map((index) => makeEvent({ index, id: `e${index}` })));
        expect(await store.getUnreadCount('room-1', 'ws-user')).toBe(4);
        expect(await store.listReadMarkers('room-1')).toEqual({});

        await store.setReadMarker('room-1', 'ws-user', 'e1', 1);
        await store.setReadMarker('room-1', 'sms', 'e3', 3);
        expect(await store.getUnreadCount('room-1', 'ws-user')).toBe(2);
        expect(await store.getUnreadCount('room-1', 'sms')).toBe(0);

        await store.setReadMarker('room-1', 'ws-user', 'e0', 0); // older: ignored
        expect(await store.listReadMarkers('room-1')).toEqual({ 'ws-user': 1, sms: 3 });
        expect(await store.listReadMarkers('room-2')).toEqual({});

        await store.putEvents([makeEvent({ index: 4, id: 'e4' })]);
        expect(await store.getUnreadCount('room-1', 'ws-user')).toBe(3);
        expect(await store.getUnreadCount('room-2', 'ws-user')).toBe(0);
      });
    });
  });
}
