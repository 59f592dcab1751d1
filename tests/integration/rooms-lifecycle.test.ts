/**
 * Room lifecycle through the public RoomKit API (RoomKit §2.3, §14), against a real Temporal server:
 * every room is a `room:<roomId>` workflow, the store is its read model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelNotFoundError, MockSMSProvider, RoomAlreadyExistsError, RoomClosedError, RoomNotFoundError, SMSChannel,
  type FrameworkEvent, type RoomKit,
} from '../../src/index.js';
import { rejection, roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });

describe('rooms: lifecycle through the public API', () => {
  let kit: RoomKit;
  const smsOut = new MockSMSProvider();

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-in'));
      k.registerChannel(new SMSChannel('sms-out', { provider: smsOut }));
    });
  });

  afterAll(async () => {
    await kit?.close();
  });

  it('createRoom with id, metadata and timers: getRoom returns them (active, lastActivityAt set, eventCount 0)', async () => {
    const id = roomId('life');
    const created = await kit.createRoom({
      roomId: id,
      metadata: { tenant: 'acme', tags: ['vip'] },
      timers: { inactiveAfterSeconds: 3600, closedAfterSeconds: 7200 },
    });
    expect(created.id).toBe(id);

    const room = await kit.getRoom(id);
    expect(room.id).toBe(id);
    expect(room.status).toBe('active');
    expect(room.metadata).toEqual({ tenant: 'acme', tags: ['vip'] });
    expect(room.timers.inactiveAfterSeconds).toBe(3600);
    expect(room.timers.closedAfterSeconds).toBe(7200);
    expect(typeof room.timers.lastActivityAt).toBe('string');
    expect(Number.isNaN(Date.parse(room.timers.lastActivityAt as string))).toBe(false);
    expect(room.eventCount).toBe(0);
    expect(room.closedAt).toBeUndefined();
  });

  it('createRoom without an id generates one that is usable', async () => {
    const room = await kit.createRoom();
    expect(typeof room.id).toBe('string');
    expect(room.id.length).toBeGreaterThan(0);
    expect(room.status).toBe('active');

    const again = await kit.getRoom(room.id);
    expect(again.id).toBe(room.id);

    await kit.attachChannel(room.id, 'sms-in');
    const result = await kit.processInbound(
      { channelId: 'sms-in', senderId: '+15550000001', content: text('hello generated room') },
      { roomId: room.id },
    );
    expect(result.blocked).toBe(false);
    expect(result.event?.roomId).toBe(room.id);
    expect((await kit.getRoom(room.id)).eventCount).toBe(2); // channel_attached + the message

    const other = await kit.createRoom();
    expect(other.id).not.toBe(room.id);
  });

  it('createRoom with an existing id fails with RoomAlreadyExistsError and leaves the room alone', async () => {
    const id = roomId('dup');
    await kit.createRoom({ roomId: id, metadata: { first: true } });
    const err = await rejection(kit.createRoom({ roomId: id, metadata: { second: true } }));
    expect(err).toBeInstanceOf(RoomAlreadyExistsError);
    expect((err as RoomAlreadyExistsError).roomId).toBe(id);
    const room = await kit.getRoom(id);
    expect(room.metadata).toEqual({ first: true });
    expect(room.status).toBe('active');
  });

  it('processInbound with an explicit unknown roomId creates that room and auto-attaches the channel (§4 step 2)', async () => {
    const id = roomId('implicit');
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);

    const result = await kit.processInbound(
      { channelId: 'sms-in', senderId: '+15550000002', content: text('first contact') },
      { roomId: id },
    );
    expect(result.blocked).toBe(false);
    expect(result.event?.roomId).toBe(id);
    expect(result.event?.status).toBe('delivered');

    const room = await kit.getRoom(id);
    expect(room.status).toBe('active');
    expect(room.eventCount).toBe(2);
    const bindings = await kit.listBindings(id);
    expect(bindings.map((b) => b.channelId)).toEqual(['sms-in']);

    const events = await kit.store.listEvents(id);
    expect(events.map((e) => [e.index, e.type])).toEqual([[0, 'channel_attached'], [1, 'message']]);
  });

  it('getRoom of an unknown room fails with RoomNotFoundError', async () => {
    const id = roomId('ghost');
    const err = await rejection(kit.getRoom(id));
    expect(err).toBeInstanceOf(RoomNotFoundError);
    expect((err as RoomNotFoundError).roomId).toBe(id);
    await expect(kit.roomState(id)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('closeRoom of an unknown room fails with RoomNotFoundError', async () => {
    const id = roomId('ghost');
    const err = await rejection(kit.closeRoom(id));
    expect(err).toBeInstanceOf(RoomNotFoundError);
    // …and did not create the room as a side effect.
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('attachChannel, updateRoomMetadata, mute and sendEvent on an unknown room fail with RoomNotFoundError', async () => {
    const id = roomId('ghost');
    await expect(kit.attachChannel(id, 'sms-in')).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(kit.updateRoomMetadata(id, { a: 1 })).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(kit.mute(id, 'sms-in')).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(kit.sendEvent(id, 'sms-in', text('x'))).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('closeRoom sets status closed and closedAt', async () => {
    const id = roomId('close');
    const before = Date.now();
    await kit.createRoom({ roomId: id });
    const closed = await kit.closeRoom(id);
    expect(closed.status).toBe('closed');
    expect(typeof closed.closedAt).toBe('string');
    expect(Date.parse(closed.closedAt as string)).toBeGreaterThanOrEqual(before - 5_000);

    const room = await kit.getRoom(id);
    expect(room.status).toBe('closed');
    expect(room.closedAt).toBe(closed.closedAt);
    // close_room writes no timeline record (RoomKit quirk 10).
    expect(room.eventCount).toBe(0);
    expect(await kit.store.listEvents(id)).toEqual([]);
  });

  it('a message to a closed room is refused with {blocked: true, reason: room_closed} and nothing is stored', async () => {
    const id = roomId('closed-in');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-in');
    await kit.attachChannel(id, 'sms-out', { metadata: { phoneNumber: '+15559990000' } });
    await kit.closeRoom(id);
    const countBefore = (await kit.getRoom(id)).eventCount;
    const storedBefore = (await kit.store.listEvents(id)).length;
    const sentBefore = smsOut.calls.length;
    const refusals: FrameworkEvent[] = [];
    const stop = kit.on('room_refused_event', (e) => { if (e.roomId === id) refusals.push(e); });

    const result = await kit.processInbound(
      { channelId: 'sms-in', senderId: '+15550000003', content: text('anyone there?'), idempotencyKey: 'late-1' },
      { roomId: id },
    );
    stop();
    expect(result.blocked).toBe(true);
    expect(result.reason).toBe('room_closed');
    // The room's workflow has ended, so the refusal happens before it; listeners still hear it.
    expect(refusals.map((e) => e.data)).toEqual([{ status: 'closed', event_type: 'message' }]);
    expect(result.event).toBeUndefined();

    const room = await kit.getRoom(id);
    expect(room.eventCount).toBe(countBefore);
    expect(room.status).toBe('closed');
    expect(await kit.store.listEvents(id)).toHaveLength(storedBefore);
    expect(await kit.store.getEventByIdempotencyKey(id, 'late-1')).toBeUndefined();
    expect(smsOut.calls.length).toBe(sentBefore);
  });

  it('sendEvent on a closed room fails with RoomClosedError and stores nothing', async () => {
    const id = roomId('closed-send');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-in');
    await kit.closeRoom(id);
    const countBefore = (await kit.getRoom(id)).eventCount;

    const err = await rejection(kit.sendEvent(id, 'sms-in', text('from the agent')));
    expect(err).toBeInstanceOf(RoomClosedError);
    expect((err as RoomClosedError).roomId).toBe(id);
    expect((await kit.getRoom(id)).eventCount).toBe(countBefore);
    expect(await kit.store.listEvents(id)).toHaveLength(countBefore);
  });

  it('sendEvent from a channel not bound to the room fails with ChannelNotFoundError', async () => {
    const id = roomId('send-unbound');
    await kit.createRoom({ roomId: id });
    await expect(kit.sendEvent(id, 'sms-in', text('x'))).rejects.toBeInstanceOf(ChannelNotFoundError);
    expect((await kit.getRoom(id)).eventCount).toBe(0);
  });

  it('updateRoomMetadata merges shallowly', async () => {
    const id = roomId('meta');
    await kit.createRoom({ roomId: id, metadata: { a: 1, nested: { x: 1, y: 1 }, keep: 'yes' } });
    const updated = await kit.updateRoomMetadata(id, { b: 2, nested: { z: 3 }, a: 10 });
    expect(updated.metadata).toEqual({ a: 10, b: 2, nested: { z: 3 }, keep: 'yes' });

    const room = await kit.getRoom(id);
    expect(room.metadata).toEqual({ a: 10, b: 2, nested: { z: 3 }, keep: 'yes' });
    expect(Date.parse(room.updatedAt)).toBeGreaterThanOrEqual(Date.parse(room.createdAt));
    expect((await kit.store.getRoom(id))?.metadata).toEqual(room.metadata);
  });

  it('roomState returns bindings, counters (eventCount, latestIndex, queued, processed) and recentEvents', async () => {
    const id = roomId('state');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-in');
    await kit.attachChannel(id, 'sms-out', { metadata: { phoneNumber: '+15559990001' } });
    const r1 = await kit.processInbound(
      { channelId: 'sms-in', senderId: '+15550000004', content: text('one') }, { roomId: id },
    );
    const r2 = await kit.processInbound(
      { channelId: 'sms-in', senderId: '+15550000004', content: text('two') }, { roomId: id },
    );

    const state = await kit.roomState(id);
    expect(state.room.id).toBe(id);
    expect(state.bindings.map((b) => b.channelId).sort()).toEqual(['sms-in', 'sms-out']);
    const out = state.bindings.find((b) => b.channelId === 'sms-out');
    expect(out?.metadata).toEqual({ phoneNumber: '+15559990001' });
    expect(out?.access).toBe('read_write');
    expect(out?.channelType).toBe('sms');

    expect(state.counters.eventCount).toBe(4);
    expect(state.counters.latestIndex).toBe(3);
    expect(state.counters.queued).toBe(0);
    // createRoom (describe), 2 attaches, 2 messages: at least 5 commands went through the queue.
    expect(state.counters.processed).toBeGreaterThanOrEqual(5);
    expect(state.counters.rejectedSignals).toBe(0);
    expect(state.room.eventCount).toBe(4);
    expect(state.room.latestIndex).toBe(3);

    expect(state.recentEvents.map((e) => e.index)).toEqual([0, 1, 2, 3]);
    expect(state.recentEvents.map((e) => e.type)).toEqual(['channel_attached', 'channel_attached', 'message', 'message']);
    expect(state.recentEvents[2].id).toBe(r1.event?.id);
    expect(state.recentEvents[3].id).toBe(r2.event?.id);
    expect(state.recentEvents[3].content).toEqual(text('two'));
  });

  it('the room record is mirrored in the store (kit.store.getRoom)', async () => {
    const id = roomId('mirror');
    await kit.createRoom({ roomId: id, metadata: { m: 1 }, timers: { inactiveAfterSeconds: 600 } });
    const stored = await kit.store.getRoom(id);
    expect(stored).toBeDefined();
    expect(stored).toEqual(await kit.getRoom(id));

    await kit.attachChannel(id, 'sms-in');
    await kit.processInbound({ channelId: 'sms-in', senderId: '+15550000005', content: text('hi') }, { roomId: id });
    await kit.updateRoomMetadata(id, { n: 2 });
    const room = await kit.getRoom(id);
    const mirrored = await kit.store.getRoom(id);
    expect(mirrored).toEqual(room);
    expect(mirrored?.eventCount).toBe(2);
    expect(mirrored?.metadata).toEqual({ m: 1, n: 2 });
    expect(await kit.store.listBindings(id)).toEqual(await kit.listBindings(id));

    await kit.closeRoom(id);
    const closed = await kit.store.getRoom(id);
    expect(closed?.status).toBe('closed');
    expect(closed?.closedAt).toBeDefined();
  });
});
