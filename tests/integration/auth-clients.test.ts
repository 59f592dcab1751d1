/**
 * Authenticated clients end to end, on real Temporal and real HTTP on 127.0.0.1: the WebSocket
 * endpoint with `auth` (a socket joins only rooms its token grants, refusals close 1008 with the
 * reason; a read-only token receives events but its message frames get error frames; the token by
 * query parameter or the `roomkit.bearer` subprotocol), and the webhook router's per-sender rate
 * limit (a signed Twilio payload over the rate is a 429 with Retry-After and nothing is stored).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { attachWebSocketEndpoint, createApp, InMemoryStore, SMSChannel, WebSocketChannel, type RoomKit } from '../../src/index.js';
import { BEARER_SUBPROTOCOL, createAuthenticator, signRoomToken, type RoomScope } from '../../src/auth.js';
import { TwilioSMSProvider } from '../../src/providers/twilio/index.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const SECRET = 'integration-secret-of-at-least-32-bytes';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const AUTH_TOKEN = 'integration-auth-token';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Frame = { type: string; error?: string; event?: { index: number; content: { body?: string } }; [k: string]: unknown };

class Client {
  readonly frames: Frame[] = [];
  closed?: { code: number; reason: string };
  constructor(readonly socket: WebSocket) {
    socket.on('message', (d) => this.frames.push(JSON.parse(String(d)) as Frame));
    socket.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }

  /** Waits for `ready` or the close. */
  async settled(): Promise<this> {
    await eventually(async () => this.frames.some((f) => f.type === 'ready') || this.closed !== undefined);
    return this;
  }

  send(frame: unknown): void {
    this.socket.send(JSON.stringify(frame));
  }
}

describe('authenticated clients: WebSocket joins and webhook rate limits (real Temporal)', () => {
  let kit: RoomKit;
  let server: Server;
  let base: string;
  const store = new InMemoryStore();
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new WebSocketChannel('ws-auth'));
      k.registerChannel(new SMSChannel('sms-rl', {
        provider: new TwilioSMSProvider({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: '+14155552671', baseUrl: 'http://127.0.0.1:9' }),
      }));
    }, { store });
    const auth = createAuthenticator({ jwt: { secret: SECRET } });
    server = createServer(createApp(kit, { auth, webhooks: { rateLimit: { perMinute: 2 } } }));
    attachWebSocketEndpoint(server, kit, { path: '/ws', channelId: 'ws-auth', auth });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const s of sockets) s.terminate();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  const token = (scopes: RoomScope[], rooms: string[]) => signRoomToken(SECRET, { subject: 'u', scopes, rooms, ttlSeconds: 300 });

  function open(query: Record<string, string>, protocols?: string[]): Client {
    const socket = new WebSocket(`${base.replace('http', 'ws')}/ws?${new URLSearchParams(query)}`, protocols);
    sockets.push(socket);
    return new Client(socket);
  }

  async function wsRoom(prefix: string): Promise<string> {
    const id = roomId(prefix);
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, 'ws-auth');
    return id;
  }

  it('refuses a socket without a token, with a bad one, or for a room outside its token: close 1008 with the reason', async () => {
    const mine = await wsRoom('ws-mine');
    const theirs = await wsRoom('ws-theirs');

    const anonymous = await open({ room: mine, participant: 'p1' }).settled();
    expect(anonymous.closed).toEqual({ code: 1008, reason: expect.stringMatching(/^unauthenticated: missing credential/) });

    const forged = await signRoomToken('some-other-secret-of-at-least-32-bytes', { subject: 'u', scopes: ['rooms:read'], rooms: ['*'] });
    const bad = await open({ room: mine, participant: 'p1', token: forged }).settled();
    expect(bad.closed).toEqual({ code: 1008, reason: 'unauthenticated: token signature is invalid' });

    const readMine = await token(['rooms:read'], [mine]);
    const elsewhere = await open({ room: theirs, participant: 'p1', token: readMine }).settled();
    expect(elsewhere.closed).toEqual({ code: 1008, reason: `forbidden: credential does not grant room ${theirs}` });

    // The bound-room check still applies behind the token: a room without the endpoint's channel.
    const unbound = roomId('ws-unbound');
    await kit.createRoom({ roomId: unbound });
    const everywhere = await token(['rooms:read'], ['*']);
    const notBound = await open({ room: unbound, participant: 'p1', token: everywhere }).settled();
    expect(notBound.closed).toEqual({ code: 1008, reason: `room ${unbound} does not exist or has no ws-auth channel` });

    const allowed = await open({ room: mine, participant: 'p1', token: readMine }).settled();
    expect(allowed.closed).toBeUndefined();
    expect(allowed.frames.find((f) => f.type === 'ready')).toMatchObject({ roomId: mine, participantId: 'p1' });
  });

  it("a read-only token receives the room's events but its message frames are refused; a write token (subprotocol) posts", async () => {
    const id = await wsRoom('ws-ro');
    const reader = await open({ room: id, participant: 'reader', token: await token(['rooms:read'], [id]) }).settled();
    expect(reader.closed).toBeUndefined();
    const writerToken = await token(['rooms:read', 'rooms:write'], ['ws-ro-*']);
    const writer = await open({ room: id, participant: 'writer' }, [BEARER_SUBPROTOCOL, writerToken]).settled();
    expect(writer.closed).toBeUndefined();
    expect(writer.socket.protocol).toBe(BEARER_SUBPROTOCOL);

    reader.send({ type: 'message', body: 'may I?' });
    await eventually(async () => reader.frames.some((f) => f.type === 'error'));
    expect(reader.frames.find((f) => f.type === 'error')).toMatchObject({ error: expect.stringContaining('rooms:write'), for: 'message' });
    reader.send({ type: 'ping' });
    await eventually(async () => reader.frames.some((f) => f.type === 'pong'));

    writer.send({ type: 'message', body: 'hello reader' });
    await eventually(async () => writer.frames.some((f) => f.type === 'ack'));
    await eventually(async () => reader.frames.some((f) => f.type === 'event' && f.event?.content.body === 'hello reader'));
    const stored = (await store.listEvents(id, { limit: 50 })).filter((e) => e.type === 'message');
    expect(stored.map((e) => (e.content as { body: string }).body)).toEqual(['hello reader']);
  });

  it('the webhook rate limit: a sender over its rate gets 429 with Retry-After and nothing is stored; others are not affected', async () => {
    const url = `${base}/webhooks/sms-rl`;
    const sid = (n: number) => `SM${n.toString(16).padStart(32, '0')}`;
    const post = (from: string, n: number) => {
      const params = {
        ToCountry: 'US', SmsMessageSid: sid(n), NumMedia: '0', SmsSid: sid(n), SmsStatus: 'received', Body: `message ${n}`,
        FromCountry: 'US', To: '+14155552671', NumSegments: '1', MessageSid: sid(n), AccountSid: ACCOUNT_SID, From: from, ApiVersion: '2010-04-01',
      };
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params) },
        body: new URLSearchParams(params).toString(),
      });
    };
    // The signature still comes first: an unsigned request is a 401/403, and costs the sender nothing.
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'From=%2B14155550901&Body=x' });
    expect([401, 403]).toContain(unsigned.status);

    expect((await post('+14155550901', 1)).status).toBe(200);
    expect((await post('+14155550901', 2)).status).toBe(200);
    const limited = await post('+14155550901', 3);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await limited.json()) as { error: string }).error).toMatch(/rate limited: too many messages from sms-rl:\+14155550901/);
    expect((await post('+14155550902', 4)).status).toBe(200);

    const messages = async () => {
      const rooms = await store.findRoomIdsByChannel('sms-rl');
      return (await Promise.all(rooms.map((r) => store.listEvents(r, { limit: 100 })))).flat().filter((e) => e.type === 'message');
    };
    await eventually(async () => (await messages()).length >= 3, 30_000);
    await sleep(500);
    expect((await messages()).map((e) => e.idempotencyKey).sort()).toEqual([sid(1), sid(2), sid(4)].sort());
  });
});
