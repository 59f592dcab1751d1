/**
 * Authenticated clients of the REST API and the MCP server, over real HTTP on 127.0.0.1 in front of
 * an in-memory `RoomIngress` (no Temporal): 401 without, with a bad or an expired credential (and
 * `WWW-Authenticate: Bearer`), 403 for a scope or room the credential lacks, `GET /rooms` filtered,
 * API keys and HS256 JWTs; and the pieces on their own (room patterns, API key parsing, the rate
 * limiter, the chat page's token).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitedError, RoomNotFoundError } from '../../../src/errors.js';
import type { InboundResult, Room, RoomSnapshot } from '../../../src/models/index.js';
import { createApp } from '../../../src/server/app.js';
import {
  createAuthenticator, parseApiKeys, roomAllowed, SenderRateLimiter, signRoomToken, type Principal,
} from '../../../src/server/auth/index.js';
import { httpStatusOf } from '../../../src/server/http-errors.js';
import type { RoomIngress } from '../../../src/server/ingress.js';
import { chatPageRouter } from '../../../src/server/chat-page.js';
import express from 'express';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const READER_KEY = 'reader-key-0123456789';
const WRITER_KEY = 'writer-key-0123456789';

/** Knows the rooms in `rooms`; records what was called. */
function fakeIngress(rooms: string[]): RoomIngress & { calls: string[] } {
  const known = new Set(rooms);
  const calls: string[] = [];
  const must = (id: string) => {
    if (!known.has(id)) throw new RoomNotFoundError(id);
  };
  const unused = async (): Promise<never> => {
    throw new Error('unused');
  };
  return {
    calls,
    temporalAddress: 'fake:7233',
    taskQueue: 'fake',
    store: {
      getRoom: async (id) => (known.has(id) ? ({ id, status: 'active' } as unknown as Room) : undefined),
      listRooms: async ({ offset = 0, limit = 50 } = {}) => [...known].slice(offset, offset + limit).map((id) => ({ id, status: 'active' }) as unknown as Room),
      listEvents: async () => [],
      getEventByIdempotencyKey: async () => undefined,
      getBinding: async () => undefined,
      listReadMarkers: async () => ({}),
    },
    getChannel: () => undefined,
    createRoom: async (options = {}) => {
      calls.push(`createRoom ${options.roomId}`);
      known.add(options.roomId ?? 'gen');
      return { id: options.roomId, status: 'active' } as unknown as Room;
    },
    roomState: async (id) => {
      must(id);
      return { room: { id } } as unknown as RoomSnapshot;
    },
    attachChannel: unused,
    archiveRoom: async (id) => {
      must(id);
      calls.push(`archiveRoom ${id}`);
      return { id, status: 'archived' } as unknown as Room;
    },
    processInbound: async (_message, options = {}) => {
      calls.push(`processInbound ${options.roomId}`);
      return { blocked: false, event: { id: 'e1', index: 0 }, deliveryResults: {} } as unknown as InboundResult;
    },
    signalInbound: unused,
    processDeliveryStatus: unused,
    publishTyping: unused, publishPresence: unused, publishReadReceipt: unused, publishReaction: unused, markRead: unused,
  };
}

describe('REST API and MCP with authentication (fake ingress)', () => {
  let server: Server;
  let origin: string;
  const ingress = fakeIngress(['room-1', 'room-2', 'support-1', 'support-2', 'other']);

  beforeAll(async () => {
    const auth = createAuthenticator({
      apiKeys: [
        { key: READER_KEY, name: 'reader', scopes: ['rooms:read'], rooms: ['support-*'] },
        { key: WRITER_KEY, name: 'writer', scopes: ['rooms:read', 'rooms:write'] },
      ],
      jwt: { secret: SECRET, issuer: 'https://id.test', audience: 'roomkit' },
    });
    server = createServer(createApp(ingress, { auth }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  const jwt = (claims: { scopes: Array<'rooms:read' | 'rooms:write'>; rooms: string[]; ttlSeconds?: number }) =>
    signRoomToken(SECRET, { subject: 'user-1', issuer: 'https://id.test', audience: 'roomkit', ...claims });

  async function call(method: string, path: string, token?: string, body?: unknown) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${origin}${path}`, { method, headers, ...(body !== undefined && { body: JSON.stringify(body) }) });
    return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> & { error?: string; rooms?: Array<{ id: string }> } };
  }

  it('401 with WWW-Authenticate: Bearer and the reason: no credential, a wrong key, a bad signature, an expired token, a wrong issuer', async () => {
    const none = await call('GET', '/api/rooms');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(none.body.error).toMatch(/missing credential/);

    const wrongKey = await call('GET', '/api/rooms', 'not-a-configured-key-123');
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body.error).toBe('unknown API key');

    const forged = await signRoomToken('another-secret-of-at-least-32-bytes!!', { subject: 'x', scopes: ['rooms:read'], rooms: ['*'], issuer: 'https://id.test', audience: 'roomkit' });
    const bad = await call('GET', '/api/rooms', forged);
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('token signature is invalid');

    const expired = await new SignJWT({ scope: 'rooms:read', rooms: ['*'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('u')
      .setIssuer('https://id.test').setAudience('roomkit').setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600).sign(new TextEncoder().encode(SECRET));
    const old = await call('GET', '/api/rooms', expired);
    expect(old.status).toBe(401);
    expect(old.body.error).toBe('token expired');
    expect(old.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const otherIssuer = await signRoomToken(SECRET, { subject: 'x', scopes: ['rooms:read'], rooms: ['*'], issuer: 'https://evil.test', audience: 'roomkit' });
    expect((await call('GET', '/api/rooms', otherIssuer)).body.error).toBe('token claim iss is not accepted');

    const noExp = await new SignJWT({ scope: 'rooms:read', rooms: ['*'] }).setProtectedHeader({ alg: 'HS256' }).setIssuer('https://id.test').setAudience('roomkit').sign(new TextEncoder().encode(SECRET));
    expect((await call('GET', '/api/rooms', noExp)).body.error).toBe('token claim exp is missing');

    const basic = await fetch(`${origin}/api/rooms`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    expect(ingress.calls).toEqual([]);
  });

  it('a JWT (HS256) reads the rooms it grants; 403 with the reason for another room or a missing scope', async () => {
    const token = await jwt({ scopes: ['rooms:read'], rooms: ['room-1', 'support-*'] });
    const listed = await call('GET', '/api/rooms', token);
    expect(listed.status).toBe(200);
    expect(listed.body.rooms?.map((r) => r.id)).toEqual(['room-1', 'support-1', 'support-2']);
    const paged = await call('GET', '/api/rooms?offset=1&limit=1', token);
    expect(paged.body.rooms?.map((r) => r.id)).toEqual(['support-1']);

    expect((await call('GET', '/api/rooms/support-2', token)).status).toBe(200);
    expect((await call('GET', '/api/rooms/room-1/events', token)).status).toBe(200);

    const elsewhere = await call('GET', '/api/rooms/room-2', token);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error).toBe('credential does not grant room room-2');
    expect((await call('GET', '/api/rooms/other/read-markers', token)).status).toBe(403);

    const post = await call('POST', '/api/rooms/room-1/messages', token, { channelId: 'web', senderId: 'u', content: { type: 'text', body: 'hi' } });
    expect(post.status).toBe(403);
    expect(post.body.error).toBe('credential lacks scope rooms:write');
    expect(post.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect(ingress.calls).toEqual([]);
  });

  it('a write token posts only into its rooms and creates only rooms it names within its patterns', async () => {
    const token = await jwt({ scopes: ['rooms:write'], rooms: ['room-1', 'new-*'] });
    const message = { channelId: 'web', senderId: 'u', content: { type: 'text', body: 'hi' } };
    expect((await call('POST', '/api/rooms/room-1/messages', token, message)).status).toBe(200);
    expect((await call('POST', '/api/rooms/room-2/messages', token, message)).status).toBe(403);
    expect((await call('POST', '/api/rooms', token, { roomId: 'new-1' })).status).toBe(201);
    const generated = await call('POST', '/api/rooms', token, {});
    expect(generated.status).toBe(403);
    expect(generated.body.error).toBe('credential does not grant room *');
    // Write does not imply read.
    expect((await call('GET', '/api/rooms/room-1', token)).status).toBe(403);
    expect(ingress.calls).toEqual(['processInbound room-1', 'createRoom new-1']);
    ingress.calls.length = 0;
  });

  it('archiving a room needs rooms:write and the room, like every other write', async () => {
    const reader = await jwt({ scopes: ['rooms:read'], rooms: ['room-1'] });
    const denied = await call('POST', '/api/rooms/room-1/archive', reader);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('credential lacks scope rooms:write');
    const writer = await jwt({ scopes: ['rooms:write'], rooms: ['room-1'] });
    expect((await call('POST', '/api/rooms/room-2/archive', writer)).status).toBe(403);
    const archived = await call('POST', '/api/rooms/room-1/archive', writer);
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ id: 'room-1', status: 'archived' });
    expect(ingress.calls).toEqual(['archiveRoom room-1']);
    ingress.calls.length = 0;
  });

  it('API keys: a read key sees only its rooms; a key for every room lists them all', async () => {
    const reader = await call('GET', '/api/rooms', READER_KEY);
    expect(reader.body.rooms?.map((r) => r.id)).toEqual(['support-1', 'support-2']);
    expect((await call('GET', '/api/rooms/room-1', READER_KEY)).status).toBe(403);
    const writer = await call('GET', '/api/rooms', WRITER_KEY);
    expect(writer.body.rooms?.map((r) => r.id)).toContain('other');
  });

  it('MCP follows the REST API: 401 without a credential, tools refuse rooms outside the token, list_rooms is filtered', async () => {
    const anonymous = await fetch(`${origin}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer /);

    const token = await jwt({ scopes: ['rooms:read'], rooms: ['support-*'] });
    const client = new Client({ name: 'auth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    try {
      const text = async (name: string, args: Record<string, unknown>) => {
        const r = (await client.callTool({ name, arguments: args })) as { content: Array<{ text: string }>; isError?: boolean };
        return { isError: r.isError === true, text: r.content[0]?.text ?? '' };
      };
      const listed = await text('list_rooms', {});
      expect((JSON.parse(listed.text) as Array<{ id: string }>).map((r) => r.id)).toEqual(['support-1', 'support-2']);
      expect(await text('room_state', { roomId: 'room-1' })).toEqual({ isError: true, text: 'credential does not grant room room-1' });
      expect(await text('post_message', { roomId: 'support-1', channelId: 'web', senderId: 'a', body: 'hi' })).toEqual({ isError: true, text: 'credential lacks scope rooms:write' });
    } finally {
      await client.close();
    }
  });
});

describe('auth pieces', () => {
  const p = (rooms: string[]): Principal => ({ subject: 's', via: 'jwt', scopes: new Set(), rooms });

  it('room patterns: exact ids, globs, * for every room, nothing for none', () => {
    expect(roomAllowed(p(['room-1']), 'room-1')).toBe(true);
    expect(roomAllowed(p(['room-1']), 'room-10')).toBe(false);
    expect(roomAllowed(p(['support-*']), 'support-42')).toBe(true);
    expect(roomAllowed(p(['support-*']), 'xsupport-42')).toBe(false);
    expect(roomAllowed(p(['a.b*']), 'axb1')).toBe(false);
    expect(roomAllowed(p(['*']), 'anything')).toBe(true);
    expect(roomAllowed(p([]), 'anything')).toBe(false);
  });

  it('parses API keys in both forms and names the bad entry without quoting a key', () => {
    expect(parseApiKeys('reader-key-0123456789:read:room-a|support-*,writer-key-0123456789:read+write')).toEqual([
      { key: 'reader-key-0123456789', name: 'api-key-1', scopes: ['rooms:read'], rooms: ['room-a', 'support-*'] },
      { key: 'writer-key-0123456789', name: 'api-key-2', scopes: ['rooms:read', 'rooms:write'] },
    ]);
    expect(parseApiKeys('[{"key":"ops-key-0123456789ab","name":"ops","scopes":["rooms:read"]}]')).toEqual([{ key: 'ops-key-0123456789ab', name: 'ops', scopes: ['rooms:read'] }]);
    expect(() => parseApiKeys('short:read')).toThrow(/entry 1 key: an API key must be at least 16 characters/);
    expect(() => parseApiKeys('reader-key-0123456789:admin')).toThrow(/entry 1 scopes\.0/);
    expect(() => parseApiKeys('reader-key-0123456789')).toThrow(/entry 1: expected key:scope/);
    expect(() => parseApiKeys('[{"key":')).toThrow(/not valid JSON/);
  });

  it('the rate limiter refuses over the rate with Retry-After, per key, and refills', () => {
    let now = 0;
    const limiter = new SenderRateLimiter({ perMinute: 2, now: () => now });
    limiter.take(['sms:+1']);
    limiter.take(['sms:+1']);
    expect(() => limiter.take(['sms:+1'])).toThrow(RateLimitedError);
    limiter.take(['sms:+2']); // another sender has its own bucket
    try {
      limiter.take(['sms:+1']);
    } catch (err) {
      expect(httpStatusOf(err, 'webhook')).toMatchObject({ status: 429, headers: { 'retry-after': '30' } });
    }
    now += 30_000;
    limiter.take(['sms:+1']);
    // All or nothing: two messages of a sender with one token left take none.
    now += 30_000;
    expect(() => limiter.take(['sms:+2', 'sms:+2', 'sms:+2'])).toThrow(RateLimitedError);
    limiter.take(['sms:+2', 'sms:+2']);
  });

  it("the chat page carries a token only when one is minted, fresh per load and not cached", async () => {
    let n = 0;
    const page = async (token?: () => string) => {
      const app = express().use(chatPageRouter({ wsPath: '/ws', roomId: 'demo', ...(token && { token }) }));
      const srv = createServer(app);
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
      try {
        const res = await fetch(`http://127.0.0.1:${(srv.address() as AddressInfo).port}/`);
        return { html: await res.text(), cache: res.headers.get('cache-control') };
      } finally {
        await new Promise<void>((resolve) => srv.close(() => resolve()));
      }
    };
    const plain = await page();
    expect(plain.html).toContain('{"wsPath":"/ws","roomId":"demo","channelId":"ws-user"}');
    expect(plain.cache).toBeNull();
    const minted = await page(() => `tok-${++n}`);
    expect(minted.html).toContain('{"wsPath":"/ws","roomId":"demo","channelId":"ws-user","token":"tok-1"}');
    expect(minted.cache).toBe('no-store');
  });
});
