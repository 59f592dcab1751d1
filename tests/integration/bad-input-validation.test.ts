/**
 * Bad input at every boundary: "An invalid InboundMessage, content, binding option or room option is
 * refused with a typed error that names the field (from zod), nothing is stored and the room keeps
 * running." Also hand-made payloads sent straight to the room workflow with a raw Temporal client.
 */
import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelNotFoundError, ChannelNotRegisteredError, MockSMSProvider, RoomKitValidationError, RoomNotFoundError,
  SMSChannel, roomWorkflowId, type InboundMessage, type RoomKit,
} from '../../src/index.js';
import { eventually, rejection, roomId, startTestKit } from '../support/kit.js';

/** Expects a RoomKitValidationError naming `field`. */
async function expectInvalid(p: Promise<unknown>, field: string): Promise<RoomKitValidationError> {
  const err = await rejection(p);
  expect(err).toBeInstanceOf(RoomKitValidationError);
  const v = err as RoomKitValidationError;
  expect(v.name).toBe('RoomKitValidationError');
  expect(v.field).toBe(field);
  return v;
}

const text = (body: string) => ({ type: 'text' as const, body });

describe('bad input: refused with a typed error naming the field; nothing stored; the room keeps running', () => {
  let kit: RoomKit;
  let raw: Client;
  let rawConnection: Connection;
  const smsOut = new MockSMSProvider();

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-in'));
      k.registerChannel(new SMSChannel('sms-out', { provider: smsOut }));
      k.registerChannel(new SMSChannel('sms-spare'));
    });
    rawConnection = await Connection.connect({ address: kit.temporalAddress as string });
    raw = new Client({ connection: rawConnection });
  });

  afterAll(async () => {
    await rawConnection?.close();
    await kit?.close();
  });

  /** A room with sms-in (source) and sms-out (target) attached. */
  async function newRoom(prefix: string): Promise<string> {
    const id = roomId(prefix);
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-in');
    await kit.attachChannel(id, 'sms-out', { metadata: { phoneNumber: '+15558880000' } });
    return id;
  }

  /** The room still takes a valid message, stored right after what was there. */
  async function expectRoomWorks(id: string, expectedIndex: number): Promise<void> {
    const ok = await kit.processInbound(
      { channelId: 'sms-in', senderId: '+15557770000', content: text(`still alive ${expectedIndex}`) }, { roomId: id },
    );
    expect(ok.blocked).toBe(false);
    expect(ok.event?.status).toBe('delivered');
    expect(ok.event?.index).toBe(expectedIndex);
    expect(ok.deliveryResults['sms-out']?.status).toBe('sent');
    const events = await kit.store.listEvents(id, { limit: 1000 });
    expect(events.map((e) => e.index)).toEqual([...Array(expectedIndex + 1).keys()]);
  }

  it("content {type:'text'} without body ⇒ field 'content.body', nothing stored, the room then processes a valid message", async () => {
    const id = await newRoom('nobody');
    const before = (await kit.getRoom(id)).eventCount;
    const err = await expectInvalid(
      kit.processInbound({ channelId: 'sms-in', senderId: '+1555', content: { type: 'text' } } as unknown as InboundMessage, { roomId: id }),
      'content.body',
    );
    expect(err.message).toContain('content.body');
    expect((await kit.getRoom(id)).eventCount).toBe(before);
    expect(await kit.store.listEvents(id)).toHaveLength(before);
    await expectRoomWorks(id, before);
  });

  it('an unknown key in an InboundMessage ⇒ validation error naming that key, nothing stored', async () => {
    const id = await newRoom('unknown-key');
    const before = (await kit.getRoom(id)).eventCount;
    const err = await rejection(
      kit.processInbound({ channelId: 'sms-in', senderId: '+1555', content: text('x'), bogusKey: 1 } as unknown as InboundMessage, { roomId: id }),
    );
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect(err.message).toContain('bogusKey');
    expect((await kit.getRoom(id)).eventCount).toBe(before);
    await expectRoomWorks(id, before);
    // `.field` is how a caller learns which field was wrong: it must name the unknown key, not '(root)'.
    expect((err as RoomKitValidationError).field).toBe('bogusKey');
  });

  it("an unknown content type ⇒ field 'content.type'", async () => {
    const id = await newRoom('ctype');
    const before = (await kit.getRoom(id)).eventCount;
    await expectInvalid(
      kit.processInbound({ channelId: 'sms-in', senderId: '+1555', content: { type: 'hologram', body: 'x' } } as unknown as InboundMessage, { roomId: id }),
      'content.type',
    );
    expect((await kit.getRoom(id)).eventCount).toBe(before);
  });

  it("a media url 'ftp://x' ⇒ validation error on content.url", async () => {
    const id = await newRoom('ftp');
    const before = (await kit.getRoom(id)).eventCount;
    await expectInvalid(
      kit.processInbound({ channelId: 'sms-in', senderId: '+1555', content: { type: 'media', url: 'ftp://x', mimeType: 'image/png' } }, { roomId: id }),
      'content.url',
    );
    // sendEvent validates content the same way (its `content` argument is the root, so the field is `url`).
    const viaSend = await rejection(kit.sendEvent(id, 'sms-in', { type: 'media', url: 'ftp://x', mimeType: 'image/png' }));
    expect(viaSend).toBeInstanceOf(RoomKitValidationError);
    expect((viaSend as RoomKitValidationError).field).toMatch(/(^|\.)url$/);
    expect((await kit.getRoom(id)).eventCount).toBe(before);
    await expectRoomWorks(id, before);
  });

  it('an empty senderId / channelId is refused naming the field', async () => {
    await expectInvalid(kit.processInbound({ channelId: 'sms-in', senderId: '', content: text('x') }), 'senderId');
    await expectInvalid(kit.processInbound({ channelId: '', senderId: '+1', content: text('x') }), 'channelId');
  });

  it('an unknown channel ⇒ ChannelNotRegisteredError, and no room is created', async () => {
    const id = roomId('nochan');
    const err = await rejection(
      kit.processInbound({ channelId: 'sms-nowhere', senderId: '+1555', content: text('x') }, { roomId: id }),
    );
    expect(err).toBeInstanceOf(ChannelNotRegisteredError);
    expect((err as ChannelNotRegisteredError).channelId).toBe('sms-nowhere');
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
    await expect(kit.signalInbound({ channelId: 'sms-nowhere', senderId: '+1', content: text('x') }))
      .rejects.toBeInstanceOf(ChannelNotRegisteredError);

    const existing = await newRoom('nochan-attach');
    await expect(kit.attachChannel(existing, 'sms-nowhere')).rejects.toBeInstanceOf(ChannelNotRegisteredError);
    expect((await kit.listBindings(existing)).map((b) => b.channelId).sort()).toEqual(['sms-in', 'sms-out']);
  });

  it("attachChannel with a typo'd option { acess: 'read_only' } ⇒ validation error naming it, nothing attached", async () => {
    const id = await newRoom('typo');
    const before = (await kit.getRoom(id)).eventCount;
    const err = await rejection(kit.attachChannel(id, 'sms-spare', { acess: 'read_only' } as never));
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect(err.message).toContain('acess');
    expect((await kit.listBindings(id)).map((b) => b.channelId)).not.toContain('sms-spare');
    expect((await kit.getRoom(id)).eventCount).toBe(before);
    expect((err as RoomKitValidationError).field).toBe('acess');
  });

  it("retryPolicy { maxRetries: -1 } ⇒ field 'retryPolicy.maxRetries'", async () => {
    const id = await newRoom('retry');
    const before = (await kit.getRoom(id)).eventCount;
    await expectInvalid(kit.attachChannel(id, 'sms-spare', { retryPolicy: { maxRetries: -1 } }), 'retryPolicy.maxRetries');
    await expectInvalid(kit.attachChannel(id, 'sms-spare', { access: 'everything' as never }), 'access');
    expect((await kit.listBindings(id)).map((b) => b.channelId)).not.toContain('sms-spare');
    expect((await kit.getRoom(id)).eventCount).toBe(before);
    await expectRoomWorks(id, before);
  });

  it("createRoom with { roomId: '' } or { timers: { inactiveAfterSeconds: -5 } } ⇒ validation errors naming the field", async () => {
    await expectInvalid(kit.createRoom({ roomId: '' }), 'roomId');
    const id = roomId('badtimers');
    await expectInvalid(kit.createRoom({ roomId: id, timers: { inactiveAfterSeconds: -5 } }), 'timers.inactiveAfterSeconds');
    // Nothing was started.
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
    await expectInvalid(kit.createRoom({ roomId: id, timers: { closedAfterSeconds: 1.5 } }), 'timers.closedAfterSeconds');
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it('createRoom with an unknown option ⇒ validation error naming it, no room started', async () => {
    const id = roomId('colour');
    const err = await rejection(kit.createRoom({ roomId: id, colour: 'blue' } as never));
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect(err.message).toContain('colour');
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
    expect((err as RoomKitValidationError).field).toBe('colour');
  });

  it("an invalid processInbound option (wait: 'bogus') ⇒ RoomKitValidationError naming 'wait', and no room is created", async () => {
    const id = roomId('badwait');
    const err = await rejection(
      kit.processInbound({ channelId: 'sms-in', senderId: '+1555', content: text('x') }, { roomId: id, wait: 'bogus' as never }),
    );
    expect(err.name).toBe('RoomKitValidationError');
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect((err as RoomKitValidationError).field).toBe('wait');
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
  });

  it("an invalid roomId argument (whitespace) ⇒ RoomKitValidationError naming 'roomId', no room created", async () => {
    const err = await rejection(
      kit.processInbound({ channelId: 'sms-in', senderId: '+1555', content: text('x') }, { roomId: 'has space' }),
    );
    expect(err).toBeInstanceOf(RoomKitValidationError);
    await expect(kit.getRoom('has space')).rejects.toBeInstanceOf(RoomKitValidationError);
    // Same field name createRoom({ roomId: '' }) reports.
    expect((err as RoomKitValidationError).field).toBe('roomId');
  });

  it('room metadata that is not JSON (a BigInt) ⇒ RoomKitValidationError naming the field, no room started', async () => {
    const id = roomId('bigint');
    const err = await rejection(kit.createRoom({ roomId: id, metadata: { budget: 10n } as never }));
    await expect(kit.getRoom(id)).rejects.toBeInstanceOf(RoomNotFoundError);
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect((err as RoomKitValidationError).field).toBe('metadata.budget');
  });

  it('mute of a registered but unattached channel ⇒ ChannelNotFoundError, the room keeps working', async () => {
    const id = await newRoom('mute');
    const before = (await kit.getRoom(id)).eventCount;
    const err = await rejection(kit.mute(id, 'sms-spare'));
    expect(err).toBeInstanceOf(ChannelNotFoundError);
    expect((err as ChannelNotFoundError).channelId).toBe('sms-spare');
    expect((err as ChannelNotFoundError).roomId).toBe(id);
    await expect(kit.unmute(id, 'sms-spare')).rejects.toBeInstanceOf(ChannelNotFoundError);
    await expect(kit.getBinding(id, 'sms-spare')).rejects.toBeInstanceOf(ChannelNotFoundError);
    expect((await kit.getRoom(id)).eventCount).toBe(before);
    await expectRoomWorks(id, before);
  });

  it('a RAW update with a malformed envelope is rejected (WorkflowUpdateFailedError); nothing stored; the room keeps working', async () => {
    const id = await newRoom('raw-update');
    const before = (await kit.getRoom(id)).eventCount;
    const handle = raw.workflow.getHandle(roomWorkflowId(id));

    const bad = { id: 'bad-update-1', manifest: kit.manifest(), command: { kind: 'inbound', message: { channelId: 'x' } } };
    const err = await rejection(handle.executeUpdate('roomkit.command', { args: [bad] }));
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);

    // Other shapes of garbage, too.
    await expect(handle.executeUpdate('roomkit.command', { args: ['garbage'] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate('roomkit.command', { args: [{}] })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(handle.executeUpdate('roomkit.command', {
      args: [{ id: 'bad-update-2', manifest: kit.manifest(), command: { kind: 'selfDestruct' } }],
    })).rejects.toBeInstanceOf(WorkflowUpdateFailedError);

    const { status } = await handle.describe();
    expect(status.name).toBe('RUNNING');
    const state = await kit.roomState(id);
    expect(state.room.eventCount).toBe(before);
    expect(state.counters.queued).toBe(0);
    expect(await kit.store.listEvents(id)).toHaveLength(before);
    await expectRoomWorks(id, before);
  });

  it('a RAW malformed signal is ignored and counted (rejectedSignals = 1); the room keeps working', async () => {
    const id = await newRoom('raw-signal');
    const before = await kit.roomState(id);
    expect(before.counters.rejectedSignals).toBe(0);
    const handle = raw.workflow.getHandle(roomWorkflowId(id));

    await handle.signal('roomkit.command', {
      id: 'bad-signal-1', manifest: kit.manifest(), command: { kind: 'inbound', message: { channelId: 'x' } },
    });
    const after = await eventually(async () => {
      const s = await kit.roomState(id);
      return s.counters.rejectedSignals === 1 ? s : undefined;
    });
    expect(after.room.eventCount).toBe(before.room.eventCount);
    expect(after.counters.processed).toBe(before.counters.processed);
    expect(after.counters.queued).toBe(0);
    const { status } = await handle.describe();
    expect(status.name).toBe('RUNNING');
    expect(await kit.store.listEvents(id)).toHaveLength(before.room.eventCount);
    await expectRoomWorks(id, before.room.eventCount);
    expect((await kit.roomState(id)).counters.rejectedSignals).toBe(1);
  });
});
