/**
 * Realtime across processes (issue «Realtime»): one worker kit and two HTTP kits, each with its own
 * PostgreSQL connection and RedisRealtime, as three processes of a deployment would have. Real
 * Temporal, real Redis, real `ws` clients through the public WebSocket endpoint. What one socket does
 * on one HTTP process reaches a socket on the other: messages, typing, read receipts, the AI's tool
 * progress and its streamed answer; a client that reconnects during a burst resumes with no gap and
 * no duplicate; bad frames get error frames.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import {
  AIChannel, MockAIProvider, PostgresStore, RoomKit, SMSChannel, WebSocketChannel, attachWebSocketEndpoint, createApp,
  type EphemeralEvent, type RoomEvent,
} from '../../src/index.js';
import { RealtimeUnavailableError, RedisRealtime } from '../../src/realtime/index.js';
import { uniqueSchema } from '../support/postgres-server.js';
import { eventually, roomId } from '../support/kit.js';

const ANSWER = 'Order A1 ships today.';
type Frame = { type: string; event?: RoomEvent & EphemeralEvent; [k: string]: unknown };

class Client {
  readonly frames: Frame[] = [];
  closed?: { code: number; reason: string };
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (d) => this.frames.push(JSON.parse(String(d)) as Frame));
    socket.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }

  static async open(base: string, query: Record<string, string>): Promise<Client> {
    const client = new Client(new WebSocket(`${base.replace('http', 'ws')}/ws?${new URLSearchParams(query)}`));
    await new Promise((resolve, reject) => {
      client.socket.once('open', resolve);
      client.socket.once('error', reject);
    });
    return client;
  }

  /** Opens and waits for `ready` (joined, caught up). */
  static async join(base: string, room: string, participant: string, since?: number): Promise<Client> {
    const client = await Client.open(base, { room, participant, ...(since !== undefined && { since: String(since) }) });
    await eventually(async () => client.frames.some((f) => f.type === 'ready') || client.closed);
    if (client.closed) throw new Error(`refused: ${client.closed.code} ${client.closed.reason}`);
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  ephemeral(type: string): EphemeralEvent[] {
    return this.frames.filter((f) => f.type === 'ephemeral' && f.event?.type === type).map((f) => f.event as EphemeralEvent);
  }

  /** Stored events received (`event` frames and `stream_end`), in arrival order. */
  events(): RoomEvent[] {
    return this.frames.filter((f) => (f.type === 'event' || f.type === 'stream_end') && f.event).map((f) => f.event as RoomEvent);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((r) => {
      this.socket.once('close', () => r());
      this.socket.close();
    });
  }
}

describe('realtime across processes: a worker and two HTTP processes over Redis', () => {
  const taskQueue = `test-${randomUUID()}`;
  const schema = uniqueSchema('rt');
  const prefix = `test-${randomUUID().slice(0, 8)}:`;
  const kits: RoomKit[] = [];
  const servers: Server[] = [];
  const clients: Client[] = [];
  let worker: RoomKit;
  let baseB: string;
  let baseC: string;

  /** The kit definition every process shares: a browser channel, SMS, and an agent that uses a tool and streams. */
  async function makeKit(): Promise<RoomKit> {
    const kit = new RoomKit({
      store: await PostgresStore.open(inject('postgresUrl'), { schema }),
      realtime: await RedisRealtime.connect(inject('redisUrl'), { prefix, log: () => {} }),
      temporal: { address: inject('temporalAddress'), taskQueue },
      log: () => {},
    });
    kit.registerChannel(new WebSocketChannel('ws-user'));
    kit.registerChannel(new SMSChannel('sms'));
    kit.tool({ name: 'lookup_order', description: 'Look an order up', parameters: z.object({ id: z.string() }), handler: ({ id }) => ({ id, status: 'shipped' }) });
    kit.registerChannel(new AIChannel('agent', {
      tools: ['lookup_order'],
      provider: new MockAIProvider({
        streaming: true,
        chunkDelayMs: 30,
        aiResponses: [
          { content: '', toolCalls: [{ id: 't1', name: 'lookup_order', arguments: { id: 'A1' } }], finishReason: 'tool_use' },
          { content: ANSWER, thinking: 'The tool says shipped.', finishReason: 'stop' },
        ],
      }),
    }));
    kits.push(kit);
    return kit;
  }

  async function httpProcess(): Promise<string> {
    const kit = await makeKit();
    await kit.connect();
    const server = createServer(createApp(kit));
    attachWebSocketEndpoint(server, kit, { path: '/ws', channelId: 'ws-user' });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function join(base: string, room: string, participant: string, since?: number): Promise<Client> {
    const client = await Client.join(base, room, participant, since);
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    worker = await makeKit();
    const codePath = inject('workflowBundlePath');
    await worker.start({ workflowBundle: { codePath } });
    [baseB, baseC] = await Promise.all([httpProcess(), httpProcess()]);
  });

  afterAll(async () => {
    for (const c of clients) c.socket.terminate();
    for (const s of servers) await new Promise((r) => s.close(r));
    for (const k of kits) await k.close();
  });

  async function room(channels: string[]): Promise<string> {
    const id = roomId('rt');
    await worker.createRoom({ roomId: id });
    for (const c of channels) await worker.attachChannel(id, c, c === 'sms' ? { metadata: { phoneNumber: '+15550001111' } } : {});
    return id;
  }

  it('a message, typing, a read receipt, tool progress and a streamed answer cross from one HTTP process to the other', async () => {
    const id = await room(['ws-user', 'agent']);
    const alice = await join(baseB, id, 'alice');
    const bob = await join(baseC, id, 'bob');

    // Presence: bob sees alice online (she joined first, so wait for his own, then hers is not guaranteed).
    alice.send({ type: 'presence', status: 'away' });
    await eventually(async () => bob.ephemeral('presence_away').find((e) => e.userId === 'alice'));

    alice.send({ type: 'typing', isTyping: true });
    const typing = await eventually(async () => bob.ephemeral('typing_start').find((e) => e.userId === 'alice'));
    expect(typing).toMatchObject({ roomId: id, userId: 'alice', type: 'typing_start' });

    alice.send({ type: 'message', body: 'Where is A1?' });
    const ack = await eventually(async () => alice.frames.find((f) => f.type === 'ack'));
    expect(ack).toMatchObject({ blocked: false, index: expect.any(Number) });
    // Bob, on the other process, sees alice's message (the room does not deliver back to ws-user; the endpoint does).
    const fromAlice = await eventually(async () => bob.events().find((e) => e.source.participantId === 'alice' || e.content.type === 'text' && e.content.body === 'Where is A1?'));
    expect(fromAlice.index).toBe(ack.index);
    await eventually(async () => bob.ephemeral('typing_stop').find((e) => e.userId === 'alice'));

    // The agent's tool progress and thinking, published by the worker, reach both sockets.
    const started = await eventually(async () => bob.ephemeral('tool_call_start')[0]);
    expect(started).toMatchObject({ userId: 'agent', channelId: 'agent', data: { tool_calls: [{ id: 't1', name: 'lookup_order', arguments: { id: 'A1' } }] } });
    const ended = await eventually(async () => alice.ephemeral('tool_call_end')[0]);
    expect(ended.data).toMatchObject({ tool_calls: [{ id: 't1', name: 'lookup_order', result: JSON.stringify({ id: 'A1', status: 'shipped' }) }], duration_ms: expect.any(Number) });

    // The answer streams (chunks before the stored event) to both, then ends with the stored event.
    for (const client of [alice, bob]) {
      const end = await eventually(async () => client.frames.find((f) => f.type === 'stream_end'), 15_000);
      const chunks = client.frames.filter((f) => f.type === 'stream_chunk');
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.at(-1)?.text).toBe(ANSWER);
      expect(client.frames.indexOf(chunks[0])).toBeLessThan(client.frames.indexOf(end));
      expect((end.event as RoomEvent).content).toEqual({ type: 'text', body: ANSWER });
    }
    expect(bob.ephemeral('thinking_delta').map((e) => e.data.delta).join('')).toBe('The tool says shipped.');
    expect(bob.ephemeral('thinking_end')).toHaveLength(1);

    // Bob reads alice's message: a stored marker, a receipt on alice's socket.
    bob.send({ type: 'read', eventId: fromAlice.id });
    const receipt = await eventually(async () => alice.ephemeral('read_receipt').find((e) => e.userId === 'bob'));
    expect(receipt.data).toEqual({ event_id: fromAlice.id });
    expect(await worker.listReadMarkers(id)).toMatchObject({ bob: fromAlice.index });
    const total = (await worker.store.listEvents(id, { limit: 500 })).length;
    expect(await worker.getUnreadCount(id, 'bob')).toBe(total - fromAlice.index - 1);

    // Ephemeral events are in neither the store nor the room's history.
    const stored = await worker.store.listEvents(id, { limit: 500 });
    expect(stored.some((e) => (e.type as string).startsWith('typing') || (e.type as string) === 'read_receipt')).toBe(false);
  });

  it('a client that reconnects during a burst gets every message once: what it missed from the store, then live', async () => {
    const id = await room(['ws-user', 'sms']);
    const watcher = await join(baseB, id, 'watcher');
    const send = (n: number) => worker.processInbound(
      { channelId: 'sms', senderId: '+15550001111', content: { type: 'text', body: `burst ${n}` } }, { roomId: id, wait: 'committed' },
    );
    for (let n = 0; n < 3; n++) await send(n);
    await eventually(async () => watcher.events().filter((e) => e.content.type === 'text').length === 3);
    const seen = Math.max(...watcher.events().map((e) => e.index));
    await watcher.close();

    // 12 more while it is away and while it comes back.
    const burst = (async () => {
      for (let n = 3; n < 15; n++) await send(n);
    })();
    await eventually(async () => (await worker.store.getEventCount(id)) > seen + 5);
    const back = await join(baseC, id, 'watcher', seen);
    await burst;
    const count = await worker.store.getEventCount(id);
    const expected = (await worker.store.listEvents(id, { afterIndex: seen, limit: 500 })).map((e) => e.index);
    await eventually(async () => new Set(back.events().map((e) => e.index)).size === expected.length, 15_000);
    const got = back.events().map((e) => e.index);
    expect(got.length).toBe(new Set(got).size); // no duplicate
    expect([...got].sort((a, b) => a - b)).toEqual(expected); // no gap
    expect(expected.at(-1)).toBe(count - 1);
    expect(back.frames.find((f) => f.type === 'ready')).toMatchObject({ truncated: false });
  });

  it('bad frames get an error frame and the socket stays open; repeated abuse closes it', async () => {
    const id = await room(['ws-user']);
    const c = await join(baseB, id, 'fuzzer');
    c.send('{not json');
    c.send(JSON.stringify({ type: 'message', body: 'x'.repeat(20_000) }));
    c.send({ type: 'shout', body: 'hi' });
    c.send({ type: 'read', eventId: 'no-such-event' });
    await eventually(async () => c.frames.filter((f) => f.type === 'error').length === 4);
    expect(c.frames.filter((f) => f.type === 'error').map((f) => f.error)).toEqual([
      'invalid frame: not JSON',
      expect.stringMatching(/^frame too large: 200\d\d bytes \(limit 16384\)$/),
      expect.stringMatching(/^invalid frame: type: /),
      `event no-such-event not found in room ${id}`,
    ]);
    c.send({ type: 'ping' });
    await eventually(async () => c.frames.some((f) => f.type === 'pong'));
    expect(c.closed).toBeUndefined();
    for (let i = 0; i < 10; i++) c.send('nope');
    await eventually(async () => c.closed);
    expect(c.closed).toEqual({ code: 1008, reason: 'too many invalid frames' });
  });

  it('a socket joins only a room that exists and has the channel attached', async () => {
    const noWs = await room(['sms']);
    for (const query of [{ room: noWs, participant: 'p' }, { room: 'no-such-room', participant: 'p' }, { participant: 'p' }, { room: 'r', participant: 'bad id!' }, { room: 'r', since: 'x' }]) {
      const c = await Client.open(baseB, query as unknown as Record<string, string>);
      await eventually(async () => c.closed);
      expect(c.closed?.code).toBe(1008);
    }
    const refused = await Client.open(baseB, { room: noWs, participant: 'p' });
    await eventually(async () => refused.closed);
    expect(refused.closed?.reason).toBe(`room ${noWs} does not exist or has no ws-user channel`);
  });
});

describe('RedisRealtime: outages', () => {
  it('says which Redis is unreachable at start', async () => {
    const err = await RedisRealtime.connect('redis://127.0.0.1:1', { connectTimeoutMs: 2000, log: () => {} }).catch((e) => e);
    expect(err).toBeInstanceOf(RealtimeUnavailableError);
    expect(err.message).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:1 is unreachable \(.+\); start it or fix ROOMKIT_REDIS_URL$/);
  });

  it('fails publishes while Redis is down and resumes subscriptions when it is back', async () => {
    const { startRedisServer } = await import('../support/redis-server.js');
    const { spawnChild } = await import('../support/processes.js');
    const server = await startRedisServer({ spawner: spawnChild });
    const a = await RedisRealtime.connect(server.url, { log: () => {} });
    const b = await RedisRealtime.connect(server.url, { log: () => {} });
    try {
      const seen: string[] = [];
      await b.subscribe('room:x', (m) => void (m.kind === 'ephemeral' && seen.push(m.event.id)));
      const msg = (id: string) => ({ kind: 'ephemeral' as const, event: { id, roomId: 'x', type: 'custom' as const, userId: 'u', data: {}, timestamp: new Date().toISOString() } });
      await a.publish('room:x', msg('before'));
      await eventually(async () => seen.includes('before'));
      expect(await a.hasSubscribers('room:x')).toBe(true);

      await server.stop();
      await expect(a.publish('room:x', msg('during'))).rejects.toBeInstanceOf(RealtimeUnavailableError);

      await server.start();
      // ioredis reconnects with backoff and subscribes again.
      await eventually(async () => {
        await a.publish('room:x', msg('after')).catch(() => undefined);
        return seen.includes('after');
      }, 20_000);
      expect(seen).not.toContain('during');
    } finally {
      await a.close();
      await b.close();
      await server.destroy();
    }
  }, 40_000);
});
