/**
 * The REST API over a real HTTP server, but in front of a small in-memory `RoomIngress` instead of
 * a `RoomKit`: no Temporal. Checks what the HTTP layer itself does — parse and validate, call the
 * ingress with the parsed values, answer with the right status (the table in `http-errors.ts`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RoomAlreadyExistsError, RoomNotFoundError } from '../../../src/errors.js';
import type { ChannelBinding, InboundMessage, InboundResult, Room, RoomEvent, RoomSnapshot } from '../../../src/models/index.js';
import { createApp } from '../../../src/server/app.js';
import type { RoomIngress } from '../../../src/server/ingress.js';

/** Records every call; knows the rooms in `rooms` and nothing else. */
class FakeIngress implements RoomIngress {
  readonly temporalAddress = 'fake:7233';
  readonly taskQueue = 'fake-queue';
  readonly rooms = new Set<string>();
  readonly calls: Array<[string, ...unknown[]]> = [];
  readonly events: RoomEvent[] = [];

  private known(roomId: string): void {
    if (!this.rooms.has(roomId)) throw new RoomNotFoundError(roomId);
  }

  readonly store: RoomIngress['store'] = {
    getRoom: async (roomId) => (this.rooms.has(roomId) ? ({ id: roomId, status: 'active' } as unknown as Room) : undefined),
    listEvents: async (roomId, options) => {
      this.calls.push(['store.listEvents', roomId, options]);
      return this.events;
    },
    listRooms: async (options) => {
      this.calls.push(['store.listRooms', options]);
      return [...this.rooms].map((id) => ({ id, status: 'active' }) as unknown as Room);
    },
    getEventByIdempotencyKey: async () => undefined,
    getBinding: async () => undefined,
    listReadMarkers: async () => ({}),
  };

  getChannel: RoomIngress['getChannel'] = () => undefined;

  // The WebSocket endpoint's verbs; the REST API never calls them.
  private unused = async (): Promise<never> => {
    throw new Error('not used by the REST API');
  };
  publishTyping: RoomIngress['publishTyping'] = this.unused;
  publishPresence: RoomIngress['publishPresence'] = this.unused;
  publishReadReceipt: RoomIngress['publishReadReceipt'] = this.unused;
  publishReaction: RoomIngress['publishReaction'] = this.unused;
  markRead: RoomIngress['markRead'] = this.unused;

  createRoom: RoomIngress['createRoom'] = async (options = {}) => {
    this.calls.push(['createRoom', options]);
    const id = options.roomId ?? 'generated';
    if (this.rooms.has(id)) throw new RoomAlreadyExistsError(id);
    this.rooms.add(id);
    return { id, status: 'active', metadata: options.metadata ?? {} } as unknown as Room;
  };

  roomState: RoomIngress['roomState'] = async (roomId) => {
    this.calls.push(['roomState', roomId]);
    this.known(roomId);
    return { room: { id: roomId, status: 'active' }, bindings: [] } as unknown as RoomSnapshot;
  };

  attachChannel: RoomIngress['attachChannel'] = async (roomId, channelId, options = {}) => {
    this.calls.push(['attachChannel', roomId, channelId, options]);
    this.known(roomId);
    return { roomId, channelId, channelType: 'sms', ...options } as unknown as ChannelBinding;
  };

  archiveRoom: RoomIngress['archiveRoom'] = async (roomId) => {
    this.calls.push(['archiveRoom', roomId]);
    this.known(roomId);
    return { id: roomId, status: 'archived' } as unknown as Room;
  };

  processInbound: RoomIngress['processInbound'] = async (message, options = {}) => {
    this.calls.push(['processInbound', message, options]);
    if (options.roomId) this.known(options.roomId);
    return {
      blocked: false,
      event: { id: 'evt-1', roomId: options.roomId, content: message.content, idempotencyKey: message.idempotencyKey },
      deliveryResults: {},
    } as unknown as InboundResult;
  };

  signalInbound: RoomIngress['signalInbound'] = async (_message, options = {}) => ({ roomId: options.roomId ?? 'routed' });
  processDeliveryStatus: RoomIngress['processDeliveryStatus'] = async () => ({});
}

describe('REST API over a fake RoomIngress (no Temporal)', () => {
  let ingress: FakeIngress;
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    server = createServer((req, res) => app(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  // A fresh fake and app per test, behind the one listening server.
  let app: ReturnType<typeof createApp>;
  beforeEach(() => {
    ingress = new FakeIngress();
    app = createApp(ingress);
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  async function call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const r = await fetch(`${origin}/api${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: r.status, body: (await r.json()) as T };
  }

  it('POST /rooms/:id/messages hands the parsed message to processInbound and answers its result with 200', async () => {
    ingress.rooms.add('r1');
    const message = { channelId: 'sms-rest', senderId: '+14155550100', content: { type: 'text', body: 'hello over REST' }, idempotencyKey: 'rest-1' };
    const posted = await call<InboundResult>('POST', '/rooms/r1/messages?wait=committed', message);

    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ blocked: false, event: { id: 'evt-1', roomId: 'r1', content: { type: 'text', body: 'hello over REST' }, idempotencyKey: 'rest-1' } });
    const inbound = ingress.calls.filter(([name]) => name === 'processInbound');
    expect(inbound).toHaveLength(1);
    const [, received, options] = inbound[0] as [string, InboundMessage, unknown];
    expect(received).toMatchObject(message);
    expect(options).toEqual({ roomId: 'r1', wait: 'committed' });
    // The room is checked first (the store holds it, so no read of the room itself is spent per
    // message); a wrong id is a 404 rather than a new room (the unknown-room test below).
    expect(ingress.calls.map(([name]) => name)).toEqual(['processInbound']);
  });

  it('GET /rooms lists the rooms the store knows, paged and filtered by status; a bad status is a 400', async () => {
    ingress.rooms.add('r1');
    ingress.rooms.add('r2');
    const listed = await call<{ rooms: Room[]; offset: number; limit: number }>('GET', '/rooms?status=active&limit=10');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ offset: 0, limit: 10, rooms: [{ id: 'r1' }, { id: 'r2' }] });
    expect(ingress.calls).toEqual([['store.listRooms', { offset: 0, limit: 10, status: 'active' }]]);
    const bad = await call<{ error: string; field: string }>('GET', '/rooms?status=sleeping');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('status');
  });

  it('POST /rooms answers 201 with the created room; the same id again is 409', async () => {
    const created = await call<Room>('POST', '/rooms', { roomId: 'r2', metadata: { team: 'support' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'r2', metadata: { team: 'support' } });
    expect(ingress.calls[0]).toEqual(['createRoom', { roomId: 'r2', metadata: { team: 'support' } }]);

    const again = await call('POST', '/rooms', { roomId: 'r2' });
    expect(again.status).toBe(409);
    expect(again.body.error).toContain('r2');
  });

  it('POST /rooms/:id/channels answers 201 with the binding from attachChannel', async () => {
    ingress.rooms.add('r3');
    const attached = await call<ChannelBinding>('POST', '/rooms/r3/channels', { channelId: 'sms-rest', metadata: { phoneNumber: '+14155550100' } });
    expect(attached.status).toBe(201);
    expect(attached.body).toMatchObject({ roomId: 'r3', channelId: 'sms-rest', metadata: { phoneNumber: '+14155550100' } });
    expect(ingress.calls[0]).toEqual(['attachChannel', 'r3', 'sms-rest', { metadata: { phoneNumber: '+14155550100' } }]);
  });

  it('GET /rooms/:id/events pages through the store with the parsed offset and limit', async () => {
    ingress.rooms.add('r4');
    const events = await call<{ roomId: string; offset: number; limit: number; events: unknown[] }>('GET', '/rooms/r4/events?offset=1&limit=10');
    expect(events.status).toBe(200);
    expect(events.body).toEqual({ roomId: 'r4', offset: 1, limit: 10, events: [] });
    expect(ingress.calls).toEqual([['store.listEvents', 'r4', { offset: 1, limit: 10 }]]);
  });

  it('400 for malformed JSON, and 400 naming the field for an invalid body or query, without calling the ingress', async () => {
    ingress.rooms.add('r5');
    const malformed = await call('POST', '/rooms', '{"roomId":');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: 'malformed JSON body' });

    const noBody = await call<{ field: string }>('POST', '/rooms/r5/messages', { channelId: 'sms-rest', senderId: 'u', content: { type: 'text' } });
    expect(noBody.status).toBe(400);
    expect(noBody.body.field).toBe('content.body');

    const badLimit = await call<{ field: string }>('GET', '/rooms/r5/events?limit=0');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.field).toBe('limit');

    const badRoom = await call<{ field: string }>('POST', '/rooms', { roomId: 'has space' });
    expect(badRoom.status).toBe(400);
    expect(badRoom.body.field).toBe('roomId');

    expect(ingress.calls).toEqual([]);
  });

  it('404 when the ingress throws RoomNotFoundError, and nothing is posted', async () => {
    const state = await call('GET', '/rooms/ghost');
    expect(state.status).toBe(404);
    expect(state.body).toEqual({ error: 'room not found: ghost' });

    const msg = await call('POST', '/rooms/ghost/messages', { channelId: 'sms-rest', senderId: 'u', content: { type: 'text', body: 'hi' } });
    expect(msg.status).toBe(404);
    expect(ingress.calls.some(([name]) => name === 'processInbound')).toBe(false);

    expect((await call('GET', '/rooms/ghost/events')).status).toBe(404);
    expect((await call('POST', '/rooms/ghost/channels', { channelId: 'sms-rest' })).status).toBe(404);
  });

  it('an unexpected error from the ingress is a 500 without internals', async () => {
    ingress.roomState = async () => {
      throw new Error('secret connection string');
    };
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const r = await call('GET', '/rooms/r6');
      expect(r.status).toBe(500);
      expect(r.body).toEqual({ error: 'internal error' });
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });

  it('GET /health reports the ingress address and task queue', async () => {
    const r = await fetch(`${origin}/health`);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ status: 'ok', temporal: { address: 'fake:7233', taskQueue: 'fake-queue' } });
  });
});

describe('input no request may turn into a 5xx', () => {
  let server: Server;
  let origin: string;
  let ingress: FakeIngress;
  beforeAll(async () => {
    ingress = new FakeIngress();
    const app = createApp(ingress);
    server = createServer((req, res) => app(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const json = (body: string, headers: Record<string, string> = {}): RequestInit =>
    ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const answer = async (path: string, init: RequestInit = {}) => {
    const r = await fetch(`${origin}${path}`, init);
    return { status: r.status, body: (await r.json()) as { error: string; field?: string } };
  };

  it('a malformed %-escape in the path is a 400, not a 500 with a stack trace', async () => {
    expect(await answer('/api/rooms/%FF')).toEqual({ status: 400, body: { error: 'malformed request' } });
  });

  it('an unsupported charset or content encoding is a 415', async () => {
    expect((await answer('/api/rooms', json('{}', { 'content-type': 'application/json; charset=klingon' }))).status).toBe(415);
    expect((await answer('/api/rooms', json('{}', { 'content-encoding': 'bogus' }))).status).toBe(415);
  });

  // Found by the REST fuzz (tests/integration/rest.fuzz.test.ts): a body not labelled JSON was left
  // unread, so `POST /api/rooms` created a room with a generated id, whatever the body said (a
  // string body sent with fetch is text/plain).
  it('a body not labelled JSON (text/plain, none) is a 415 and creates no room; an empty POST still does', async () => {
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', undefined]) {
      const init: RequestInit = { method: 'POST', body: '{"roomId":""}', headers: type ? { 'content-type': type } : {} };
      // fetch labels a string body text/plain; a Blob with no type goes out with no Content-Type.
      if (!type) init.body = new Blob(['{"roomId":""}']);
      const res = await answer('/api/rooms', init);
      expect(res, String(type)).toEqual({ status: 415, body: { error: 'request body must be JSON (Content-Type: application/json)' } });
    }
    expect((await answer('/api/rooms/r1/messages', { method: 'POST', body: 'hi' })).status).toBe(415);
    expect(ingress.calls).toEqual([]);
    expect((await answer('/api/rooms', { method: 'POST' })).status).toBe(201);
    expect(ingress.calls).toEqual([['createRoom', {}]]);
    ingress.calls.length = 0;
  });

  // Found by the REST fuzz: Express's own 404 page is HTML.
  it.each([['DELETE', '/api/rooms'], ['GET', '/api/rooms//events'], ['PUT', '/api/rooms/r1'], ['GET', '/api/nowhere/%ED%A0%80']])(
    '%s %s (no such route) is a JSON 404 that does not quote the path',
    async (method, path) => {
      const res = await answer(path, { method });
      expect(res).toEqual({ status: 404, body: { error: 'no such route' } });
    },
  );

  it('JSON nested 1,450 levels deep (9 KB) is a 400 naming the depth limit', async () => {
    const deep = '['.repeat(1450) + ']'.repeat(1450);
    const res = await answer('/api/rooms', json(`{"roomId":"deep","metadata":{"a":${deep}}}`));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/nested deeper than 64 levels/);
    expect(ingress.calls).toEqual([]);
  });

  it.each(['.', '..', 'a/b', 'a\u0000b', '\ud800x', 'caf\u00e9', 'x'.repeat(201)])('room id %j is refused with the safe alphabet named', async (id) => {
    const res = await answer('/api/rooms', json(JSON.stringify({ roomId: id })));
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('roomId');
    expect(ingress.calls).toEqual([]);
  });

  it('room ids in the safe alphabet are taken', async () => {
    for (const id of ['room-1', 'support_2026.12', 'tenant:acme@eu+1', 'A'.repeat(200)]) {
      expect((await answer('/api/rooms', json(JSON.stringify({ roomId: id })))).status).toBe(201);
    }
  });
});
