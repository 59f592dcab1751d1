/**
 * Default inbound routing (RoomKit §4 steps 1–2, §23) and the detach tombstone (§2.2, quirk 6),
 * plus the fire-and-forget `signalInbound` path, against a real Temporal server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MockSMSProvider, SMSChannel, type RoomKit } from '../../src/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });

describe('routing: default router, auto-attach, tombstones, signalInbound', () => {
  let kit: RoomKit;

  beforeAll(async () => {
    kit = await startTestKit();
  });

  afterAll(async () => {
    await kit?.close();
  });

  /** A fresh SMS channel per test: the router looks at every room bound to a channel. */
  function freshSms(prefix: string, provider?: MockSMSProvider): string {
    const id = `${prefix}-${randomUUID().slice(0, 8)}`;
    kit.registerChannel(new SMSChannel(id, provider ? { provider } : {}));
    return id;
  }

  it('a message naming no room, with no room to route to, auto-creates a room and auto-attaches the channel', async () => {
    const ch = freshSms('sms-new');
    const result = await kit.processInbound({ channelId: ch, senderId: '+15551000001', content: text('hello') });
    expect(result.blocked).toBe(false);
    const id = result.event?.roomId as string;
    expect(id).toBeTruthy();

    const room = await kit.getRoom(id);
    expect(room.status).toBe('active');
    expect((await kit.listBindings(id)).map((b) => b.channelId)).toEqual([ch]);
    const binding = await kit.getBinding(id, ch);
    expect(binding.access).toBe('read_write');
    expect(binding.visibility).toBe('all');
    expect(binding.category).toBe('transport');

    const events = await kit.store.listEvents(id);
    expect(events.map((e) => e.type)).toEqual(['channel_attached', 'message']);
    expect(events[0].index).toBe(0);
    expect(events[0].content).toMatchObject({ type: 'system', code: 'channel_attached' });
    expect(events[1].index).toBe(1);
    expect(events[1].id).toBe(result.event?.id);
    expect(events[1].content).toEqual(text('hello'));
    expect(events[1].source).toMatchObject({ channelId: ch, participantId: '+15551000001', direction: 'inbound' });
    expect(events[1].status).toBe('delivered');
  });

  it('a second message from the same sender routes to the same room', async () => {
    const ch = freshSms('sms-same');
    const first = await kit.processInbound({ channelId: ch, senderId: '+15551000002', content: text('one') });
    const second = await kit.processInbound({ channelId: ch, senderId: '+15551000002', content: text('two') });
    expect(second.event?.roomId).toBe(first.event?.roomId);
    const id = first.event?.roomId as string;
    const events = await kit.store.listEvents(id);
    // Attached once, then both messages.
    expect(events.map((e) => e.type)).toEqual(['channel_attached', 'message', 'message']);
    expect(events.map((e) => e.index)).toEqual([0, 1, 2]);
    expect((await kit.getRoom(id)).eventCount).toBe(3);
  });

  it('a detached channel is not re-attached by its next message (tombstone): stored delivered, not broadcast', async () => {
    const otherSms = new MockSMSProvider();
    const src = freshSms('sms-src');
    const other = freshSms('sms-other', otherSms);
    const id = roomId('tomb');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, src);
    await kit.attachChannel(id, other, { metadata: { phoneNumber: '+15559000001' } });

    // Control: while attached, the source's messages reach the other SMS channel.
    const before = await kit.processInbound({ channelId: src, senderId: '+15551000003', content: text('attached') }, { roomId: id });
    expect(before.deliveryResults[other]?.status).toBe('sent');
    expect(otherSms.calls).toHaveLength(1);

    expect(await kit.detachChannel(id, src)).toBe(true);
    const room = await kit.getRoom(id);
    expect(room.metadata['roomkit:detached_channels']).toEqual([src]);

    const after = await kit.processInbound({ channelId: src, senderId: '+15551000003', content: text('detached') }, { roomId: id });
    expect(after.blocked).toBe(false);
    expect(after.event?.status).toBe('delivered');
    expect(after.deliveryResults).toEqual({});
    expect(otherSms.calls).toHaveLength(1); // nothing broadcast

    expect((await kit.listBindings(id)).map((b) => b.channelId)).toEqual([other]);
    const events = await kit.store.listEvents(id);
    expect(events.map((e) => e.type)).toEqual([
      'channel_attached', 'channel_attached', 'message', 'channel_detached', 'message',
    ]);
    const stored = events[4];
    expect(stored.id).toBe(after.event?.id);
    expect(stored.status).toBe('delivered');
    expect(stored.content).toEqual(text('detached'));
  });

  it('re-attaching a detached channel explicitly clears the tombstone and broadcasting resumes', async () => {
    const otherSms = new MockSMSProvider();
    const src = freshSms('sms-src');
    const other = freshSms('sms-other', otherSms);
    const id = roomId('reattach');
    await kit.createRoom({ roomId: id, metadata: { keep: 1 } });
    await kit.attachChannel(id, src);
    await kit.attachChannel(id, other, { metadata: { phoneNumber: '+15559000002' } });
    await kit.detachChannel(id, src);
    expect((await kit.getRoom(id)).metadata['roomkit:detached_channels']).toEqual([src]);

    await kit.attachChannel(id, src);
    const room = await kit.getRoom(id);
    expect(room.metadata['roomkit:detached_channels']).toBeUndefined();
    expect(room.metadata.keep).toBe(1);
    expect((await kit.listBindings(id)).map((b) => b.channelId).sort()).toEqual([other, src].sort());

    const result = await kit.processInbound({ channelId: src, senderId: '+15551000004', content: text('back') }, { roomId: id });
    expect(result.deliveryResults[other]?.status).toBe('sent');
    expect(otherSms.calls).toHaveLength(1);
    expect(otherSms.calls[0].to).toBe('+15559000002');

    // Detaching again tombstones again, and a later message does not bring it back.
    await kit.detachChannel(id, src);
    await kit.processInbound({ channelId: src, senderId: '+15551000004', content: text('gone') }, { roomId: id });
    expect((await kit.listBindings(id)).map((b) => b.channelId)).toEqual([other]);
    expect(otherSms.calls).toHaveLength(1);
  });

  it('with two rooms bound to the channel, a message from an unknown sender gets a NEW room (refuses to guess)', async () => {
    const ch = freshSms('sms-shared');
    const r1 = roomId('bound1');
    const r2 = roomId('bound2');
    await kit.createRoom({ roomId: r1 });
    await kit.attachChannel(r1, ch);
    await kit.createRoom({ roomId: r2 });
    await kit.attachChannel(r2, ch);
    const count1 = (await kit.getRoom(r1)).eventCount;
    const count2 = (await kit.getRoom(r2)).eventCount;

    const result = await kit.processInbound({ channelId: ch, senderId: '+15551000005', content: text('who am I talking to?') });
    const id = result.event?.roomId as string;
    expect(id).toBeTruthy();
    expect([r1, r2]).not.toContain(id);
    expect((await kit.getRoom(id)).status).toBe('active');
    expect((await kit.store.listEvents(id)).map((e) => e.type)).toEqual(['channel_attached', 'message']);
    // Neither candidate room got the message.
    expect((await kit.getRoom(r1)).eventCount).toBe(count1);
    expect((await kit.getRoom(r2)).eventCount).toBe(count2);
  });

  it('the sender\'s own room wins over refusing to guess: a binding with participantId = sender routes there', async () => {
    const ch = freshSms('sms-owned');
    const r1 = roomId('owned1');
    const r2 = roomId('owned2');
    await kit.createRoom({ roomId: r1 });
    await kit.attachChannel(r1, ch, { participantId: '+15551000010' });
    await kit.createRoom({ roomId: r2 });
    await kit.attachChannel(r2, ch, { participantId: '+15551000011' });

    const a = await kit.processInbound({ channelId: ch, senderId: '+15551000011', content: text('mine is r2') });
    expect(a.event?.roomId).toBe(r2);
    const b = await kit.processInbound({ channelId: ch, senderId: '+15551000010', content: text('mine is r1') });
    expect(b.event?.roomId).toBe(r1);
  });

  it('with exactly one room bound to the channel, a message naming no room routes there', async () => {
    const ch = freshSms('sms-one');
    const id = roomId('only');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, ch);
    const result = await kit.processInbound({ channelId: ch, senderId: '+15551000006', content: text('hi') });
    expect(result.event?.roomId).toBe(id);
    expect((await kit.getRoom(id)).eventCount).toBe(2);
  });

  it('signalInbound (fire-and-forget, signal-with-start) creates the room and the message appears in the store', async () => {
    const ch = freshSms('sms-signal');
    const { roomId: id } = await kit.signalInbound({
      channelId: ch, senderId: '+15551000007', content: text('via webhook'), idempotencyKey: 'SM-1',
    });
    expect(id).toBeTruthy();
    const stored = await eventually(async () => kit.store.getEventByIdempotencyKey(id, 'SM-1'));
    expect(stored.content).toEqual(text('via webhook'));
    expect(stored.status).toBe('delivered');
    expect(stored.source.channelId).toBe(ch);
    const room = await kit.getRoom(id);
    expect(room.status).toBe('active');
    expect((await kit.listBindings(id)).map((b) => b.channelId)).toEqual([ch]);

    // To an existing room, by id.
    const again = await kit.signalInbound(
      { channelId: ch, senderId: '+15551000007', content: text('second'), idempotencyKey: 'SM-2' }, { roomId: id },
    );
    expect(again.roomId).toBe(id);
    await eventually(async () => kit.store.getEventByIdempotencyKey(id, 'SM-2'));
    const events = await kit.store.listEvents(id);
    expect(events.map((e) => e.type)).toEqual(['channel_attached', 'message', 'message']);
  });

  it('signalInbound with the same idempotencyKey 5 times concurrently stores the message once', async () => {
    const ch = freshSms('sms-dedupe');
    const id = roomId('dedupe');
    const message = { channelId: ch, senderId: '+15551000008', content: text('retried by the provider'), idempotencyKey: 'SM-dup' };
    const results = await Promise.all(Array.from({ length: 5 }, () => kit.signalInbound(message, { roomId: id })));
    expect(results.map((r) => r.roomId)).toEqual(Array(5).fill(id));

    await eventually(async () => {
      const s = await kit.roomState(id);
      return s.counters.queued === 0 && s.counters.processed >= 5;
    });
    const state = await kit.roomState(id);
    expect(state.counters.processed).toBe(5);
    const messages = (await kit.store.listEvents(id)).filter((e) => e.type === 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0].idempotencyKey).toBe('SM-dup');
    expect(state.room.eventCount).toBe(2); // channel_attached + the message
  });
});
