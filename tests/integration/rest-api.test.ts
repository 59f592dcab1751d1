/**
 * The REST API (`/api`) over a real HTTP server and the real Temporal dev server: a room's round
 * trip (create, attach, post a message, read state and events) and its refusals (400 naming the
 * field, 404 unknown room or channel, 409 existing room).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApp, MockSMSProvider, RoomNotFoundError, SMSChannel, type ChannelBinding, type InboundResult, type Room, type RoomEvent,
  type RoomKit, type RoomSnapshot,
} from '../../src/index.js';
import { rejection, roomId, startTestKit } from '../support/kit.js';

describe('REST API', () => {
  let kit: RoomKit;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-rest', { provider: new MockSMSProvider() }));
    });
    server = createServer(createApp(kit));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const r = await fetch(`${base}${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as T };
  }

  it('round trip: create, attach, post a message, read the state and the events', async () => {
    const id = roomId('rest');
    const created = await call<Room>('POST', '/rooms', { roomId: id, metadata: { team: 'support' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id, status: 'active', metadata: { team: 'support' } });

    const attached = await call<ChannelBinding>('POST', `/rooms/${id}/channels`, { channelId: 'sms-rest', metadata: { phoneNumber: '+14155550100' } });
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({ roomId: id, channelId: 'sms-rest', channelType: 'sms', metadata: { phoneNumber: '+14155550100' } });

    const posted = await call<InboundResult>('POST', `/rooms/${id}/messages`, {
      channelId: 'sms-rest', senderId: '+14155550100', content: { type: 'text', body: 'hello over REST' }, idempotencyKey: 'rest-1',
    });
    expect(posted.status).toBe(200);
    expect(posted.body.blocked).toBe(false);
    expect(posted.body.event).toMatchObject({ roomId: id, content: { type: 'text', body: 'hello over REST' }, idempotencyKey: 'rest-1' });

    const state = await call<RoomSnapshot>('GET', `/rooms/${id}`);
    expect(state.status).toBe(200);
    expect(state.body.room.id).toBe(id);
    expect(state.body.bindings.map((b) => b.channelId)).toEqual(['sms-rest']);

    const events = await call<{ events: RoomEvent[]; offset: number; limit: number }>('GET', `/rooms/${id}/events?offset=0&limit=10`);
    expect(events.status).toBe(200);
    expect(events.body).toMatchObject({ offset: 0, limit: 10 });
    expect(events.body.events.map((e) => e.type)).toEqual(['channel_attached', 'message']);
    expect(events.body.events[1].id).toBe(posted.body.event?.id);

    const paged = await call<{ events: RoomEvent[] }>('GET', `/rooms/${id}/events?offset=1&limit=1`);
    expect(paged.body.events.map((e) => e.id)).toEqual([posted.body.event?.id]);
  });

  it('409 when the room exists', async () => {
    const id = roomId('dup');
    expect((await call('POST', '/rooms', { roomId: id })).status).toBe(201);
    const again = await call('POST', '/rooms', { roomId: id });
    expect(again.status).toBe(409);
    expect(again.body.error).toContain(id);
  });

  it('400 naming the field for a bad body or query', async () => {
    const id = roomId('bad');
    await call('POST', '/rooms', { roomId: id });
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/rooms', { roomId: 'has space' }, 'roomId'],
      ['POST', '/rooms', { colour: 'blue' }, 'colour'],
      ['POST', `/rooms/${id}/channels`, { metadata: {} }, 'channelId'],
      ['POST', `/rooms/${id}/channels`, { channelId: 'sms-rest', access: 'everything' }, 'access'],
      ['POST', `/rooms/${id}/messages`, { channelId: 'sms-rest', senderId: 'u', content: { type: 'text' } }, 'content.body'],
      ['POST', `/rooms/${id}/messages`, { channelId: 'sms-rest', content: { type: 'text', body: 'x' } }, 'senderId'],
      ['GET', `/rooms/${id}/events?limit=0`, undefined, 'limit'],
      ['GET', `/rooms/${id}/events?offset=-1`, undefined, 'offset'],
      ['GET', `/rooms/${id}/events?cursor=abc`, undefined, 'cursor'],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await call<{ field: string }>(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(400);
      expect(r.body.field, `${method} ${path}`).toBe(field);
    }
    const malformed = await call('POST', '/rooms', '{"roomId":');
    expect(malformed.status).toBe(400);
  });

  it('404 for an unknown room or channel, and posting to an unknown room creates nothing', async () => {
    const ghost = roomId('ghost');
    expect((await call('GET', `/rooms/${ghost}`)).status).toBe(404);
    expect((await call('GET', `/rooms/${ghost}/events`)).status).toBe(404);
    expect((await call('POST', `/rooms/${ghost}/channels`, { channelId: 'sms-rest' })).status).toBe(404);
    const msg = await call('POST', `/rooms/${ghost}/messages`, { channelId: 'sms-rest', senderId: 'u', content: { type: 'text', body: 'hi' } });
    expect(msg.status).toBe(404);
    expect(await rejection(kit.getRoom(ghost))).toBeInstanceOf(RoomNotFoundError);

    const id = roomId('nochan');
    await call('POST', '/rooms', { roomId: id });
    expect((await call('POST', `/rooms/${id}/channels`, { channelId: 'not-registered' })).status).toBe(404);
  });
});
