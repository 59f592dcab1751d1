/**
 * The webhook edge end to end: a real HTTP server (createApp) on loopback, Twilio webhooks signed
 * by the `twilio` SDK, rooms as workflows on the real Temporal dev server. Concurrent first
 * messages from one sender must not create two rooms, duplicates (same MessageSid) are stored
 * once, bad requests are refused before anything is signalled, and status callbacks reach
 * `kit.onDeliveryStatus`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createApp, createWebhookRouter, InMemoryStore, MockSMSProvider, SMSChannel, TransportChannel, type ParsedDeliveryStatus,
  type RoomKit,
} from '../../src/index.js';
import { TwilioSMSProvider } from '../../src/providers/twilio/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'integration-auth-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const twilioProvider = () => new TwilioSMSProvider({
  accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+14155552671', baseUrl: 'http://127.0.0.1:9',
});

function inboundParams(from: string, sid: string, body: string): Record<string, string> {
  return {
    ToCountry: 'US', SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, SmsStatus: 'received', Body: body,
    FromCountry: 'US', To: '+14155552671', NumSegments: '1', MessageSid: sid, AccountSid: ACCOUNT_SID, From: from, ApiVersion: '2010-04-01',
  };
}

const sid = (n: number) => `SM${n.toString(16).padStart(32, '0')}`;

describe('webhooks: Twilio through the HTTP edge into rooms', () => {
  let kit: RoomKit;
  let server: Server;
  let base: string;
  const store = new InMemoryStore();
  const statuses: ParsedDeliveryStatus[] = [];

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-race', { provider: twilioProvider() }));
      k.registerChannel(new SMSChannel('sms-bad', { provider: twilioProvider() }));
      k.registerChannel(new SMSChannel('sms-status', { provider: twilioProvider() }));
      k.registerChannel(new SMSChannel('sms-nohook', { provider: new MockSMSProvider() }));
      k.registerChannel(new TransportChannel('sms-resolved', { channelType: 'sms', provider: twilioProvider(), recipientKey: 'phoneNumber' }));
      k.onDeliveryStatus((status) => {
        statuses.push(status);
      });
    }, { store });
    const app = createApp(kit, {
      webhooks: { roomFor: (m) => (m.channelId === 'sms-resolved' ? `phone-${m.senderId.replace(/\D/g, '')}` : undefined) },
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  /** POST a form to /webhooks/<channel>, signed for exactly that URL unless told otherwise. */
  function post(channelId: string, params: Record<string, string>, sign: 'valid' | 'wrong' | 'none' = 'valid', body?: string) {
    const url = `${base}/webhooks/${channelId}`;
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (sign !== 'none') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(sign === 'valid' ? AUTH_TOKEN : 'wrong-token', url, params);
    return fetch(url, { method: 'POST', headers, body: body ?? new URLSearchParams(params).toString() });
  }

  it('50 concurrent signed webhooks, some duplicated, from several senders: each message stored once, one room per sender', async () => {
    const senders = ['+14155550101', '+14155550102', '+14155550103', '+14155550104', '+14155550105'];
    const unique = senders.flatMap((from, s) => Array.from({ length: 8 }, (_, i) => inboundParams(from, sid(s * 100 + i), `msg ${i} from ${from}`)));
    // Ten duplicates: Twilio retrying the first messages of every sender (the racy ones).
    const duplicates = senders.flatMap((_, s) => [unique[s * 8], unique[s * 8 + 1]]);
    const all = [...unique, ...duplicates].sort(() => Math.random() - 0.5);
    expect(all).toHaveLength(50);

    const responses = await Promise.all(all.map((p) => post('sms-race', p)));
    for (const r of responses) {
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/xml');
      expect(await r.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    }

    const messages = async () => {
      const rooms = await store.findRoomIdsByChannel('sms-race');
      const perRoom = await Promise.all(rooms.map(async (id) => ({
        id, events: (await store.listEvents(id, { limit: 500 })).filter((e) => e.type === 'message'),
      })));
      return { rooms, perRoom, count: perRoom.reduce((n, r) => n + r.events.length, 0) };
    };
    await eventually(async () => (await messages()).count >= 40, 30_000);
    await sleep(1000); // late duplicates would show up now
    const { rooms, perRoom, count } = await messages();
    expect(count).toBe(40);
    expect(rooms).toHaveLength(senders.length);
    for (const { events } of perRoom) {
      const from = new Set(events.map((e) => e.source.participantId));
      expect(from.size).toBe(1);
      const sender = [...from][0] as string;
      const s = senders.indexOf(sender);
      expect(events.map((e) => e.idempotencyKey).sort()).toEqual(Array.from({ length: 8 }, (_, i) => sid(s * 100 + i)).sort());
      expect(events.map((e) => e.source.providerMessageId).sort()).toEqual(events.map((e) => e.idempotencyKey).sort());
    }
  });

  it('a body parser mounted before the router is reported plainly (the signature needs the raw bytes)', async () => {
    const app = express();
    app.use(express.json());
    app.use('/webhooks', createWebhookRouter(kit));
    const misconfigured = createServer(app);
    await new Promise<void>((resolve) => misconfigured.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(misconfigured.address() as AddressInfo).port}/webhooks/sms-race`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ From: '+15550001' }),
      });
      expect(res.status).toBe(500);
      expect(((await res.json()) as { error: string }).error).toMatch(/mount the webhook router before express\.json/);
    } finally {
      await new Promise<void>((resolve) => misconfigured.close(() => resolve()));
    }
  });

  it('a roomFor resolver picks the room: the message lands in the room it names', async () => {
    const r = await post('sms-resolved', inboundParams('+14155550199', sid(9001), 'hello resolver'));
    expect(r.status).toBe(200);
    const events = await eventually(async () => {
      const list = await store.listEvents('phone-14155550199');
      return list.some((e) => e.type === 'message') ? list : undefined;
    });
    expect(events.find((e) => e.type === 'message')?.content).toEqual({ type: 'text', body: 'hello resolver' });
  });

  describe('bad input is refused and nothing is signalled or stored', () => {
    const good = inboundParams('+14155550111', sid(5000), 'should never be stored');

    async function expectRefused(response: Promise<Response>, status: number, field?: string) {
      const signal = vi.spyOn(kit, 'signalInbound');
      const deliveries = vi.spyOn(kit, 'processDeliveryStatus');
      try {
        const r = await response;
        expect(r.status).toBe(status);
        const body = (await r.json()) as { error: string; field?: string };
        expect(body.error).toBeTruthy();
        if (field) expect(body.field).toBe(field);
        expect(signal).not.toHaveBeenCalled();
        expect(deliveries).not.toHaveBeenCalled();
      } finally {
        signal.mockRestore();
        deliveries.mockRestore();
      }
    }

    it('missing signature: 401', async () => {
      await expectRefused(post('sms-bad', good, 'none'), 401);
    });

    it('wrong signature: 403', async () => {
      await expectRefused(post('sms-bad', good, 'wrong'), 403);
    });

    it('signed but altered body: 403', async () => {
      await expectRefused(post('sms-bad', good, 'valid', new URLSearchParams({ ...good, Body: 'tampered' }).toString()), 403);
    });

    it('malformed payload: 400 naming the field', async () => {
      const { MessageSid: _dropped, ...noSid } = good;
      await expectRefused(post('sms-bad', noSid), 400, 'MessageSid');
      await expectRefused(post('sms-bad', { ...good, NumMedia: 'lots' }), 400, 'NumMedia');
    });

    it('body over the limit: 413', async () => {
      const huge = { ...good, Body: 'x'.repeat(1_100_000) };
      await expectRefused(post('sms-bad', huge), 413);
    });

    it('unknown channel, or a channel without webhooks: 404', async () => {
      await expectRefused(post('sms-nowhere', good), 404);
      await expectRefused(post('sms-nohook', good), 404);
    });

    it('left no room behind', async () => {
      await sleep(500);
      expect(await store.findRoomIdsByChannel('sms-bad')).toEqual([]);
      expect(await store.findRoomIdsByChannel('sms-nohook')).toEqual([]);
    });
  });

  it("a signed status callback reaches the room's onDeliveryStatus handler", async () => {
    const id = roomId('status');
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'sms-status', { metadata: { phoneNumber: '+14155550100' } });
    await eventually(async () => (await store.findRoomIdsByChannel('sms-status', { status: 'active' })).includes(id));
    const params = {
      ErrorCode: '30003', SmsSid: sid(7000), SmsStatus: 'undelivered', MessageStatus: 'undelivered', To: '+14155550100',
      MessageSid: sid(7000), AccountSid: ACCOUNT_SID, From: '+14155552671', ApiVersion: '2010-04-01',
    };
    const r = await post('sms-status', params);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('<Response></Response>');
    const status = await eventually(async () => statuses.find((s) => s.messageId === sid(7000)));
    expect(status).toMatchObject({
      channelId: 'sms-status', provider: 'twilio', status: 'undelivered', errorCode: '30003', recipient: '+14155550100', sender: '+14155552671',
    });
  });
});
