/**
 * Vendor delivery reports (RoomKit §2.6 `process_delivery_status`): routed to the room named by the
 * status or the one ACTIVE room bound to the channel, then ON_DELIVERY_STATUS hooks run in the worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MockSMSProvider, RoomKitValidationError, SMSChannel, WebSocketChannel, type DeliveryStatus, type RoomKit,
} from '../../src/index.js';
import { eventually, rejection, roomId, startTestKit } from '../support/kit.js';

describe('delivery status reports', () => {
  let kit: RoomKit;
  const heard: Array<{ status: unknown; roomId: string }> = [];

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-status'));
      k.registerChannel(new SMSChannel('sms-unbound'));
      k.registerChannel(new SMSChannel('sms-pmid', { provider: new MockSMSProvider(), fromNumber: '+15550000000' }));
      k.registerChannel(new WebSocketChannel('ws-pmid'));
      k.onDeliveryStatus((status) => {
        heard.push({ status, roomId: status.roomId ?? '' });
      });
      k.hook('on_delivery_status', { name: 'raw-observer', channelIds: ['elsewhere'] }, async (event, ctx) => {
        heard.push({ status: { raw: (event.metadata.deliveryStatus as { messageId: string }).messageId }, roomId: ctx.room.id });
        return undefined;
      });
    });
  });

  afterAll(async () => {
    await kit?.close();
  });

  it('finds the room bound to the channel and runs every ON_DELIVERY_STATUS hook with the status', async () => {
    const id = roomId('status');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-status', { metadata: { phoneNumber: '+15550001111' } });
    const status: DeliveryStatus = {
      channelId: 'sms-status', provider: 'twilio', messageId: 'SM-delivered-1', status: 'delivered',
      recipient: '+15550001111', errorCode: undefined,
    };
    expect(await kit.processDeliveryStatus(status)).toEqual({ roomId: id });

    const typed = await eventually(async () => heard.find((h) => (h.status as { messageId?: string }).messageId === 'SM-delivered-1'));
    expect(typed.status).toMatchObject({ channelId: 'sms-status', provider: 'twilio', status: 'delivered', recipient: '+15550001111', sender: '' });
    // A hook's channel filter does not apply (RoomKit runs ON_DELIVERY_STATUS without an event filter).
    const raw = await eventually(async () => heard.find((h) => (h.status as { raw?: string }).raw === 'SM-delivered-1'));
    expect(raw.roomId).toBe(id);
  });

  it('uses status.roomId when given, and reports no room when the channel is bound nowhere', async () => {
    const id = roomId('status-explicit');
    await kit.createRoom({ roomId: id });
    expect(await kit.processDeliveryStatus({ roomId: id, channelId: 'sms-unbound', provider: 'sinch', messageId: 'b-1', status: 'failed', errorCode: '402' }))
      .toEqual({ roomId: id });
    await eventually(async () => heard.find((h) => (h.status as { messageId?: string }).messageId === 'b-1'));

    expect(await kit.processDeliveryStatus({ channelId: 'sms-unbound', provider: 'sinch', messageId: 'b-2', status: 'failed' })).toEqual({});
  });

  it('routes a report to the room whose delivery the provider numbered, though the channel is bound in two rooms', async () => {
    const phone = { metadata: { phoneNumber: '+15550002222' } };
    const [older, newer] = [roomId('status-older'), roomId('status-newer')];
    for (const id of [older, newer]) {
      await kit.createRoom({ roomId: id });
      await kit.attachChannel(id, 'ws-pmid');
      await kit.attachChannel(id, 'sms-pmid', phone);
    }
    const sent = await kit.processInbound({ channelId: 'ws-pmid', senderId: 'agent', content: { type: 'text', body: 'your order shipped' } }, { roomId: newer });
    const messageId = sent.deliveryResults['sms-pmid']?.providerMessageId;
    expect(messageId).toBeTruthy();
    const status: DeliveryStatus = { channelId: 'sms-pmid', provider: 'mock', messageId: messageId!, status: 'delivered', recipient: '+15550002222' };
    expect(await kit.processDeliveryStatus(status)).toEqual({ roomId: newer });
    // Without the provider's id the channel is bound in two rooms and the report belongs to neither.
    expect(await kit.processDeliveryStatus({ ...status, messageId: 'SM-unknown' })).toEqual({});
    expect(older).not.toBe(newer);
  });

  it('a vendor read report moves the channel\'s read marker and publishes a read receipt to the room', async () => {
    const id = roomId('status-read');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'ws-pmid');
    await kit.attachChannel(id, 'sms-pmid', { metadata: { phoneNumber: '+15550003333' } });
    const receipts: unknown[] = [];
    const sub = await kit.subscribeRoom(id, (e) => void (e.type === 'read_receipt' && receipts.push(e)));
    const sent = await kit.processInbound({ channelId: 'ws-pmid', senderId: 'agent', content: { type: 'text', body: 'read me' } }, { roomId: id });
    const messageId = sent.deliveryResults['sms-pmid']?.providerMessageId as string;
    expect(await kit.getUnreadCount(id, 'sms-pmid')).toBeGreaterThan(0);

    await kit.processDeliveryStatus({ channelId: 'sms-pmid', provider: 'mock', messageId, status: 'read', recipient: '+15550003333' });
    const receipt = await eventually(async () => receipts[0]);
    expect(receipt).toMatchObject({ roomId: id, type: 'read_receipt', userId: '+15550003333', data: { event_id: sent.event?.id } });
    expect(await kit.listReadMarkers(id)).toEqual({ 'sms-pmid': sent.event?.index });
    expect(await kit.getUnreadCount(id, 'sms-pmid')).toBe((await kit.store.getEventCount(id)) - (sent.event?.index ?? 0) - 1);
    await kit.unsubscribeRoom(sub);
  });

  it('refuses a malformed status naming the field', async () => {
    const err = await rejection(kit.processDeliveryStatus({ channelId: 'sms-status', provider: 'twilio', status: 'sent' } as DeliveryStatus));
    expect(err).toBeInstanceOf(RoomKitValidationError);
    expect((err as RoomKitValidationError).field).toBe('messageId');
  });
});
