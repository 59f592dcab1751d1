/**
 * Event sources (RoomKit §18) end to end: each source runs as its own workflow whose heartbeating
 * activity holds the connection; restarts are Temporal retries. Real loopback servers (127.0.0.1,
 * port 0) that drop the connection mid-stream, real rooms, the kit's public API.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { HTTPChannel, type FrameworkEvent, type RoomKit } from '../../src/index.js';
import { SSESource, SourceAlreadyAttachedError, SourceNotFoundError, WebSocketSource } from '../../src/sources/index.js';
import { freePort } from '../support/free-port.js';
import { eventually, rejection, roomId, startTestKit } from '../support/kit.js';

/** Fast restarts and a short heartbeat timeout (health is what the run last heartbeated). */
const FAST = { restartDelay: 0.1, maxRestartDelay: 0.5, heartbeatTimeout: 2 };

const message = (senderId: string, body: string, extra: Record<string, unknown> = {}) => ({ senderId, content: { type: 'text', body }, ...extra });

describe('event sources: WebSocket and SSE feeds into rooms, restarts as Temporal retries', () => {
  let kit: RoomKit;
  const events: FrameworkEvent[] = [];
  const servers: { close(): unknown }[] = [];

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      for (const type of ['source_attached', 'source_connected', 'source_detached', 'source_disconnected', 'source_error', 'source_exhausted', 'source_message_refused']) {
        k.on(type, (e) => { events.push(e); });
      }
    });
  });

  afterAll(async () => {
    await kit?.close();
    for (const s of servers) s.close();
  });

  const eventsOf = (channelId: string, type: string) => events.filter((e) => e.channelId === channelId && e.type === type);

  /** A room with `channelId` bound, so the default router sends the source's messages there. */
  async function boundRoom(channelId: string): Promise<string> {
    kit.registerChannel(new HTTPChannel(channelId));
    const id = roomId(channelId);
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, channelId);
    return id;
  }

  async function bodies(room: string): Promise<string[]> {
    const stored = await kit.store.listEvents(room);
    return stored.filter((e) => e.type === 'message').map((e) => (e.content as { body: string }).body);
  }

  /** A `ws` server whose n-th connection (0-based) is handed to `onConnection`. */
  async function wsServer(onConnection: (socket: WebSocket, n: number) => void): Promise<{ url: string; connections: () => number }> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    let n = 0;
    wss.on('connection', (socket) => onConnection(socket, n++));
    return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/feed`, connections: () => n };
  }

  it('a WebSocket source delivers into the bound room, reconnects after the server drops it, and reports its health', async () => {
    const channelId = `ws-feed-${randomUUID().slice(0, 6)}`;
    const room = await boundRoom(channelId);
    const sender = `ws-user-${randomUUID().slice(0, 6)}`;
    const server = await wsServer((socket, n) => {
      if (n === 0) {
        // First connection: two messages, then the connection is dropped (no close frame).
        socket.send(JSON.stringify(message(sender, 'one')));
        socket.send(JSON.stringify(message(sender, 'two')), () => setTimeout(() => socket.terminate(), 50));
      } else {
        socket.send(JSON.stringify(message(sender, 'three')));
        socket.send(JSON.stringify(message(sender, 'four')));
      }
    });
    const source = new WebSocketSource({ url: server.url });
    await kit.attachSource(channelId, source, FAST);

    await eventually(async () => (await bodies(room)).length === 4);
    expect(await bodies(room)).toEqual(['one', 'two', 'three', 'four']);
    expect(server.connections()).toBe(2);
    expect(eventsOf(channelId, 'source_attached')[0]?.data).toEqual({ source_name: source.name });
    expect(eventsOf(channelId, 'source_connected').map((e) => e.data.attempt)).toEqual([1, 2]);
    expect(eventsOf(channelId, 'source_error')).toHaveLength(1);
    expect(eventsOf(channelId, 'source_error')[0]?.data).toMatchObject({ source_name: source.name, attempt: 1 });

    const health = await eventually(async () => {
      const h = await kit.sourceHealth(channelId);
      return h?.status === 'connected' && h.messagesReceived === 4 && h;
    });
    expect(health).toMatchObject({ channelId, name: source.name, attempt: 2, exhausted: false });
    expect(Date.parse(health.connectedAt ?? '')).not.toBeNaN();
    expect(Date.parse(health.lastMessageAt ?? '')).not.toBeNaN();
    expect(health.error).toBeUndefined();
    expect((await kit.listSources())[channelId]).toMatchObject({ status: 'connected' });
    await expect(kit.attachSource(channelId, source)).rejects.toBeInstanceOf(SourceAlreadyAttachedError);
    await kit.detachSource(channelId);
  });

  it('an SSE source resumes with Last-Event-ID after the server drops the stream; a replayed event is stored once', async () => {
    const channelId = `sse-feed-${randomUUID().slice(0, 6)}`;
    const room = await boundRoom(channelId);
    const sender = `sse-user-${randomUUID().slice(0, 6)}`;
    const lastEventIds: (string | undefined)[] = [];
    const frame = (id: number) => `id: ${id}\nevent: message\ndata: ${JSON.stringify(message(sender, `e${id}`))}\n\n`;
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const last = req.headers['last-event-id'] as string | undefined;
      lastEventIds.push(last);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': hello\n\n');
      if (last === undefined) {
        // Split one event across writes, then drop the TCP connection mid-stream.
        res.write(frame(1) + frame(2));
        const third = frame(3);
        res.write(third.slice(0, 10));
        res.write(third.slice(10), () => setTimeout(() => req.socket.destroy(), 100));
      } else {
        // Resume inclusively (a common server habit): the event named by Last-Event-ID comes again.
        for (let id = Number(last); id <= 6; id++) res.write(frame(id));
      }
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    const source = new SSESource({ url: `http://127.0.0.1:${port}/stream?token=secret-token` });
    expect(source.name).not.toContain('secret-token');
    await kit.attachSource(channelId, source, FAST);

    await eventually(async () => (await bodies(room)).length >= 6);
    expect(await bodies(room)).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect(lastEventIds).toHaveLength(2);
    expect(lastEventIds[0]).toBeUndefined();
    expect(lastEventIds[1]).toBe('3');
    const h = await eventually(async () => {
      const x = await kit.sourceHealth(channelId);
      return x?.status === 'connected' && x.messagesReceived === 7 && x; // e3 was received twice, stored once
    });
    expect(h.attempt).toBe(2);
    await kit.detachSource(channelId);
  });

  it('malformed messages are refused one by one with source_message_refused naming the field; the source keeps running', async () => {
    const channelId = `bad-feed-${randomUUID().slice(0, 6)}`;
    const room = await boundRoom(channelId);
    const sender = `bad-user-${randomUUID().slice(0, 6)}`;
    const server = await wsServer((socket) => {
      socket.send(JSON.stringify(message(sender, 'before')));
      socket.send(JSON.stringify(message('', 'no sender')));
      socket.send(JSON.stringify({ senderId: sender, content: { type: 'text' } }));
      socket.send('this is not JSON');
      socket.send(JSON.stringify({ ...message(sender, 'x'), channelId: 'someone-else' }));
      socket.send(JSON.stringify({ ...message(sender, 'x'), colour: 'blue' }));
      socket.send(JSON.stringify(message(sender, 'after')));
    });
    await kit.attachSource(channelId, new WebSocketSource({ url: server.url }), FAST);

    await eventually(async () => (await bodies(room)).length === 2);
    expect(await bodies(room)).toEqual(['before', 'after']);
    const refused = eventsOf(channelId, 'source_message_refused');
    expect(refused.map((e) => e.data.field)).toEqual(['senderId', 'content.body', '(root)', 'channelId', 'colour']);
    expect(String(refused[1]?.data.error)).toContain('content.body');
    expect(eventsOf(channelId, 'source_error')).toHaveLength(0);
    expect(server.connections()).toBe(1);
    const h = await eventually(async () => {
      const x = await kit.sourceHealth(channelId);
      return x?.messagesReceived === 7 && x;
    });
    expect(h).toMatchObject({ status: 'connected', attempt: 1 });
    await kit.detachSource(channelId);
  });

  it('detachSource stops the source: its connection closes, events fire, and it is no longer listed', async () => {
    const channelId = `detach-feed-${randomUUID().slice(0, 6)}`;
    await boundRoom(channelId);
    let closed = false;
    const server = await wsServer((socket) => { socket.on('close', () => { closed = true; }); });
    await kit.attachSource(channelId, new WebSocketSource({ url: server.url }), FAST);
    await eventually(async () => (await kit.sourceHealth(channelId))?.status === 'connected');

    await kit.detachSource(channelId);
    await eventually(async () => closed);
    expect(eventsOf(channelId, 'source_detached')).toHaveLength(1);
    expect(eventsOf(channelId, 'source_disconnected')).toHaveLength(1);
    expect(await kit.listSources()).not.toHaveProperty(channelId);
    expect(await kit.sourceHealth(channelId)).toMatchObject({ status: 'stopped' });
    expect(server.connections()).toBe(1);
    expect(await rejection(kit.detachSource(channelId))).toBeInstanceOf(SourceNotFoundError);
  });

  it('a source whose server refuses connections is exhausted after maxRestartAttempts runs and stays listed', async () => {
    const channelId = `dead-feed-${randomUUID().slice(0, 6)}`;
    await boundRoom(channelId);
    const port = await freePort(); // nothing listens there
    await kit.attachSource(channelId, new SSESource({ url: `http://127.0.0.1:${port}/stream` }), { ...FAST, maxRestartAttempts: 3 });

    await eventually(async () => eventsOf(channelId, 'source_exhausted').length === 1);
    expect(eventsOf(channelId, 'source_error').map((e) => e.data.attempt)).toEqual([1, 2, 3]);
    expect(eventsOf(channelId, 'source_exhausted')[0]?.data).toMatchObject({ attempts: 3 });
    expect(String(eventsOf(channelId, 'source_exhausted')[0]?.data.last_error)).toContain('cannot connect');
    const h = await eventually(async () => {
      const x = await kit.sourceHealth(channelId);
      return x?.exhausted && x;
    });
    expect(h).toMatchObject({ status: 'error', attempt: 3, exhausted: true, messagesReceived: 0 });
    expect(h.error).toContain('cannot connect');
    expect((await kit.listSources())[channelId]).toMatchObject({ exhausted: true });
    await kit.detachSource(channelId);
    expect(await kit.listSources()).not.toHaveProperty(channelId);
  });

  it('refuses bad options and unknown channels with the field named', async () => {
    const src = new WebSocketSource({ url: 'ws://127.0.0.1:1/' });
    const err = await rejection(kit.attachSource('never-registered', src));
    expect(err.name).toBe('ChannelNotRegisteredError');
    const channelId = `opts-feed-${randomUUID().slice(0, 6)}`;
    kit.registerChannel(new HTTPChannel(channelId));
    const bad = await rejection(kit.attachSource(channelId, src, { restartDelay: -1 }));
    expect(bad).toMatchObject({ name: 'RoomKitValidationError', field: 'restartDelay' });
    expect(await kit.listSources()).not.toHaveProperty(channelId);
  });
});
