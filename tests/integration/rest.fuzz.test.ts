/**
 * Fuzzing the REST API (`/api`) through the real Express app, a real HTTP server on loopback and a
 * real kit on the dev server. Every route that takes a body, a query or a path parameter is sent
 * hostile input: bodies (mutated valid requests, any bytes, lone surrogates as raw WTF-8, JSON nested
 * thousands of levels, strings of 200k characters, bodies over the limit), content types and
 * encodings, query strings (repeated keys, prototype keys, numbers past 2^53) and path parameters
 * (malformed %-escapes, encoded lone surrogates, `..`). The properties: never a 5xx; every refusal
 * is a 4xx with a JSON `error`; a refused request stores nothing (the room's events and the store's
 * rooms are unchanged); and the server keeps serving. Most cases are refused before Temporal; the
 * few valid ones go all the way. `RUNS` cases per property (`ROOMKIT_FUZZ_RUNS` for more).
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, MockSMSProvider, SMSChannel, type RoomKit } from '../../src/index.js';
import { roomId, startTestKit } from '../support/kit.js';
import { arbitraryBody, hostileNumber, hostileString, mutatedJson, RUNS } from '../unit/fuzz/arbitraries.js';

/** Stands for the fuzzed room's id in generated paths (the room is created in `beforeAll`). */
const ROOM = '{room}';

const LONE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** `s` as UTF-8, except that a lone surrogate is written as its WTF-8 bytes (invalid UTF-8). */
function wtf8(s: string): Buffer {
  if (!LONE.test(s)) return Buffer.from(s);
  const parts: Buffer[] = [];
  for (const unit of s.match(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g) ?? []) {
    const c = unit.charCodeAt(0);
    parts.push(unit.length === 1 && c >= 0xd800 && c <= 0xdfff
      ? Buffer.from([0xed, 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)])
      : Buffer.from(unit));
  }
  return Buffer.concat(parts);
}

/** `s` %-encoded as one path segment or query value; a lone surrogate's escapes are its (invalid) WTF-8 bytes. */
function percentEncode(s: string): string {
  if (!LONE.test(s)) return encodeURIComponent(s);
  return [...wtf8(s)].map((b) => (/[\w.!~*'()-]/.test(String.fromCharCode(b)) && b < 0x80
    ? String.fromCharCode(b)
    : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

/** A header value Node will send (it refuses control characters and code points past U+00FF). */
const headerSafe = (s: string): string => s.slice(0, 4_000).replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

const MALFORMED_ESCAPES = ['%', '%%', '%G0', '%E0%A4', '%FF', '%C0%AF', '%ED%A0%80', '%ED%BF%BF', '%00', '%2F', '%2e%2e', '..', '.', '%uD800', '%E2%82', '%F4%90%80%80'];
const validId = fc.stringMatching(/^[A-Za-z0-9_:@+-]{1,24}$/);

/** A path parameter: mostly the live room, else hostile text, malformed escapes, or a valid id of no room. */
const pathParam: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(ROOM) },
  { weight: 3, arbitrary: hostileString.map(percentEncode) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...MALFORMED_ESCAPES), validId), { minLength: 1, maxLength: 5 }).map((p) => p.join('')) },
  { weight: 1, arbitrary: validId },
);

const QUERY_KEYS = ['offset', 'limit', 'before', 'after', 'newest', 'status', 'wait', '__proto__', 'constructor', 'toString', 'offset[]', 'limit[a]', 'before[0]'];
const QUERY_VALUES = [
  '0', '1', '2', '50', '500', '501', '-1', '-0', '1e3', '0x10', '0b1', 'NaN', 'Infinity', '9007199254740993', '1e400', ' 1', '1 ', '1.5',
  'true', 'false', 'TRUE', '', 'active', 'closed', 'delivered', 'committed',
];
const queryPart = fc.tuple(
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...QUERY_KEYS) }, { weight: 1, arbitrary: hostileString }),
  fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...QUERY_VALUES) }, { weight: 1, arbitrary: hostileNumber.map(String) }, { weight: 1, arbitrary: hostileString }),
  fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(...MALFORMED_ESCAPES) }),
).map(([k, v, junk]) => `${percentEncode(k)}=${percentEncode(v)}${junk}`);
/** `?a=b&…`, repeated keys included, or nothing. */
const queryString = fc.array(queryPart, { maxLength: 4 }).map((parts) => (parts.length ? `?${parts.join('&')}` : ''));

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined, '', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'application/json; charset=latin1',
      'application/json; charset=utf-7', 'application/json; charset="', 'application/json;;;', 'application/vnd.api+json', 'application/*',
      'text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '*/*', 'json',
    ),
  },
  { weight: 1, arbitrary: hostileString.map(headerSafe) },
);
const contentEncoding = fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip', 'GZIP'), { freq: 12, nil: undefined });

const OVER_LIMIT = Buffer.from(JSON.stringify({ metadata: { blob: 'x'.repeat(1_100_000) } }));

/** Bodies for a route whose valid requests are `valid`: mostly mutations of them, some kept valid. */
const bodyFor = (valid: unknown[]): fc.Arbitrary<Buffer> => fc.oneof(
  { weight: 24, arbitrary: mutatedJson(valid).map((s) => Buffer.from(s)) },
  { weight: 8, arbitrary: arbitraryBody },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...valid), hostileString).map(([v, s]) => wtf8(JSON.stringify({ ...(v as object), [s]: s }).replace('"}', `${s}"}`))) },
  { weight: 2, arbitrary: fc.constantFrom(Buffer.alloc(0), Buffer.from('null'), Buffer.from('[]'), Buffer.from('{}'), Buffer.from('"'), Buffer.from('{"__proto__":{"x":1}}'), OVER_LIMIT) },
  { weight: 1, arbitrary: fc.constantFrom(...valid).map((v) => Buffer.from(JSON.stringify(v))) },
);

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

describe('REST API fuzz: hostile paths, queries, content types and bodies through the real app', () => {
  let kit: RoomKit;
  let server: Server;
  let port: number;
  let room: string;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(new SMSChannel('sms-fuzz', { provider: new MockSMSProvider() }));
      k.registerChannel(new SMSChannel('sms-spare', { provider: new MockSMSProvider() }));
    });
    room = roomId('fuzz');
    await kit.createRoom({ roomId: room });
    await kit.attachChannel(room, 'sms-fuzz', { metadata: { phoneNumber: '+14155550100' } });
    server = createServer(createApp(kit));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    agent.destroy();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  /** One request over the keep-alive agent; the answer even when the server stops reading early (413). */
  function send(method: string, path: string, body?: Buffer, headers: Record<string, string | undefined> = {}): Promise<Answer> {
    const sent: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) sent[k] = v;
    if (body) sent['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
      let answered = false;
      const req = request({ host: '127.0.0.1', port, method, path: path.replaceAll(ROOM, room), headers: sent, agent }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', (err) => { if (!answered) reject(err); });
      req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${method} ${path.slice(0, 200)}`)));
      req.end(body);
    });
  }

  const eventCount = async (): Promise<number> => (await kit.store.listEvents(room, { limit: 1_000_000 })).length;
  const roomCount = async (): Promise<number> => (await kit.store.listRooms({ limit: 1_000_000 })).length;

  /**
   * The answer is not a 5xx; a 4xx carries a JSON `{ error }`; a 2xx is JSON; a refusal stored
   * nothing (no event in the fuzzed room, no new room).
   */
  async function expectSafe(what: string, answer: Answer, before: { events: number; rooms: number }): Promise<void> {
    const where = `${what} → ${answer.status} ${answer.text.slice(0, 300)}`;
    // Node's HTTP parser refuses headers (the path included) over 16 KiB before the app sees them.
    if (answer.status === 431) return;
    expect(answer.status, where).toBeGreaterThanOrEqual(200);
    expect(answer.status, where).toBeLessThan(500);
    expect(answer.contentType, where).toMatch(/^application\/json/);
    const parsed = JSON.parse(answer.text) as { error?: unknown };
    if (answer.status >= 400) {
      expect(typeof parsed.error, where).toBe('string');
      expect((parsed.error as string).length, where).toBeGreaterThan(0);
      expect(await eventCount(), `${where}: a refused request stored an event`).toBe(before.events);
      expect(await roomCount(), `${where}: a refused request stored a room`).toBe(before.rooms);
    }
  }

  const counts = async () => ({ events: await eventCount(), rooms: await roomCount() });

  /** Posts `body` to `path` with fuzzed headers and checks the answer. */
  const postProperty = (path: fc.Arbitrary<string>, bodies: fc.Arbitrary<Buffer>) =>
    fc.asyncProperty(path, bodies, contentType, contentEncoding, async (p, body, type, encoding) => {
      const before = await counts();
      const answer = await send('POST', p, body, { 'content-type': type, 'content-encoding': encoding });
      await expectSafe(`POST ${p.slice(0, 200)} (${type}, ${encoding}, ${body.length} bytes: ${body.subarray(0, 200).toString('latin1')})`, answer, before);
    });

  it(`POST /api/rooms: ${RUNS} hostile bodies, content types and encodings → 201/4xx, a refusal stores no room`, async () => {
    await fc.assert(postProperty(fc.constant('/api/rooms'), bodyFor([
      { roomId: 'fuzz-created', metadata: { team: 'support', tags: ['a', 'b'] } },
      { metadata: { n: 1 }, organizationId: 'org-1', agentResponsePolicy: 'always', timers: { inactiveAfterSeconds: 60 } },
    ])), { numRuns: RUNS });
  });

  it(`POST /api/rooms/:roomId/messages: ${RUNS} hostile bodies, ?wait= and room ids → 2xx/4xx, a refusal stores no event`, async () => {
    const path = fc.tuple(pathParam, fc.oneof(fc.constant(''), fc.constant('?wait=committed'), queryString)).map(([id, q]) => `/api/rooms/${id}/messages${q}`);
    await fc.assert(postProperty(path, bodyFor([
      { channelId: 'sms-fuzz', senderId: '+14155550100', content: { type: 'text', body: 'hi' }, idempotencyKey: 'fuzz-1', metadata: { a: [1, { b: null }] } },
      { channelId: 'sms-fuzz', senderId: '+14155550100', content: { type: 'media', url: 'https://example.com/a.png', mimeType: 'image/png', caption: 'c' } },
      { channelId: 'sms-fuzz', senderId: '+1', content: { type: 'composite', parts: [{ type: 'text', body: 'a' }, { type: 'location', latitude: 1, longitude: 2 }] } },
    ])), { numRuns: RUNS });
  });

  it(`POST /api/rooms/:roomId/channels: ${RUNS} hostile bindings and room ids → 2xx/4xx, a refusal stores no event`, async () => {
    const path = fc.tuple(pathParam, fc.oneof({ weight: 4, arbitrary: fc.constant('') }, { weight: 1, arbitrary: queryString })).map(([id, q]) => `/api/rooms/${id}/channels${q}`);
    await fc.assert(postProperty(path, bodyFor([
      { channelId: 'sms-spare', metadata: { phoneNumber: '+14155550101' }, access: 'read_write', visibility: 'all' },
      { channelId: 'sms-spare', category: 'transport', direction: 'bidirectional', participantId: 'p1', rateLimit: { maxPerSecond: 5 } },
    ])), { numRuns: RUNS });
  });

  it(`GET /api/rooms/:roomId/events: ${RUNS} hostile ?offset/limit/before/newest and room ids → 200/4xx`, async () => {
    const path = fc.tuple(pathParam, queryString).map(([id, q]) => `/api/rooms/${id}/events${q}`);
    await fc.assert(fc.asyncProperty(path, async (p) => {
      const before = await counts();
      await expectSafe(`GET ${p.slice(0, 300)}`, await send('GET', p), before);
    }), { numRuns: RUNS });
  });

  it(`GET /api/rooms, /api/rooms/:roomId, /read-markers and unknown routes: ${RUNS} hostile paths and queries → 200/4xx JSON`, async () => {
    const path = fc.oneof(
      queryString.map((q) => `/api/rooms${q}`),
      fc.tuple(pathParam, queryString).map(([id, q]) => `/api/rooms/${id}${q}`),
      fc.tuple(pathParam, queryString).map(([id, q]) => `/api/rooms/${id}/read-markers${q}`),
      fc.tuple(pathParam, pathParam, queryString).map(([id, rest, q]) => `/api/rooms/${id}/${rest}${q}`),
    );
    const method = fc.constantFrom('GET', 'GET', 'GET', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS');
    await fc.assert(fc.asyncProperty(method, path, async (m, p) => {
      const before = await counts();
      const answer = await send(m, p);
      // HEAD has no body to carry the JSON reason; its status must still be no 5xx.
      if (m === 'HEAD') expect(answer.status, `HEAD ${p}`).toBeLessThan(500);
      else await expectSafe(`${m} ${p.slice(0, 300)}`, answer, before);
    }), { numRuns: RUNS });
  });

  it('keeps serving: health answers and the fuzzed room still takes a message, stored next', async () => {
    const health = await send('GET', '/health');
    expect(health.status).toBe(200);
    const next = await eventCount();
    const posted = await send('POST', `/api/rooms/${ROOM}/messages`, Buffer.from(JSON.stringify({
      channelId: 'sms-fuzz', senderId: '+14155550100', content: { type: 'text', body: 'still here' },
    })), { 'content-type': 'application/json' });
    expect(posted.status, posted.text).toBe(200);
    expect(JSON.parse(posted.text).event.index).toBe(next);
    expect(await eventCount()).toBe(next + 1);
  });
});
