import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  attachWebSocket, WebSocketChannel, type WebSocketFrame,
} from '../../../src/channels/index.js';
import { makeBinding, makeContext, makeEvent } from '../../support/factories.js';

const wsBinding = (roomId: string) =>
  makeBinding({ roomId, channelId: 'ws-user', channelType: 'websocket' });
const ctx = makeContext();

/** A fake client that records what it was sent. */
function recorder() {
  const frames: WebSocketFrame[] = [];
  return { frames, send: (frame: WebSocketFrame) => { frames.push(frame); } };
}

const never = () => new Promise<void>(() => {});

describe('WebSocketChannel', () => {
  it('declares rich capabilities without a length limit', () => {
    const caps = new WebSocketChannel('ws-user').capabilities();
    expect(caps.mediaTypes).toEqual(['text', 'rich', 'media', 'audio', 'video', 'location', 'tool_call']);
    expect(caps.maxLength).toBeUndefined();
    expect(caps).toMatchObject({ supportsTyping: true, supportsButtons: true, supportsCards: true, supportsQuickReplies: true });
  });

  it('sends a room event only to connections subscribed to that room', async () => {
    const channel = new WebSocketChannel('ws-user');
    const a = recorder();
    const b = recorder();
    channel.registerConnection('conn-a', a.send, { roomId: 'room-a' });
    channel.registerConnection('conn-b', b.send, { roomId: 'room-b' });

    const eventB = makeEvent({ roomId: 'room-b' });
    const out = await channel.deliver(eventB, wsBinding('room-b'), ctx);

    expect(a.frames).toEqual([]);
    expect(b.frames).toEqual([{ type: 'event', roomId: 'room-b', event: eventB }]);
    expect(out.providerResult).toMatchObject({ success: true, metadata: { connections: 1, delivered: 1, failed: 0 } });
  });

  it('follows subscribe, unsubscribe and unregister', async () => {
    const channel = new WebSocketChannel('ws-user');
    const a = recorder();
    channel.registerConnection('conn-a', a.send);
    expect(channel.connectionsFor('room-a')).toEqual([]);

    expect(channel.subscribe('conn-a', 'room-a')).toBe(true);
    expect(channel.subscribe('ghost', 'room-a')).toBe(false);
    await channel.deliver(makeEvent({ roomId: 'room-a' }), wsBinding('room-a'), ctx);
    channel.unsubscribe('conn-a', 'room-a');
    await channel.deliver(makeEvent({ roomId: 'room-a' }), wsBinding('room-a'), ctx);
    channel.subscribe('conn-a', 'room-a');
    expect(channel.unregisterConnection('conn-a')).toBe(true);
    await channel.deliver(makeEvent({ roomId: 'room-a' }), wsBinding('room-a'), ctx);

    expect(a.frames).toHaveLength(1);
    expect(channel.connectionsFor('room-a')).toEqual([]);
  });

  it('counts a send that outlives the timeout as failed, without throwing', async () => {
    const channel = new WebSocketChannel('ws-user', { sendTimeoutMs: 30 });
    channel.registerConnection('hung', never, { roomId: 'room-a' });
    const out = await channel.deliver(makeEvent({ roomId: 'room-a' }), wsBinding('room-a'), ctx);
    expect(out.providerResult?.metadata).toMatchObject({ connections: 1, delivered: 0, failed: 1, timedOut: 1 });
  });

  it('does not let a hung socket delay the others beyond the timeout', async () => {
    const timeoutMs = 100;
    const channel = new WebSocketChannel('ws-user', { sendTimeoutMs: timeoutMs });
    let fastAt = 0;
    channel.registerConnection('hung', never, { roomId: 'room-a' });
    channel.registerConnection('fast', () => { fastAt = performance.now(); }, { roomId: 'room-a' });

    const started = performance.now();
    const out = await channel.deliver(makeEvent({ roomId: 'room-a' }), wsBinding('room-a'), ctx);
    const took = performance.now() - started;

    expect(fastAt - started).toBeLessThan(timeoutMs / 2);
    expect(took).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(took).toBeLessThan(timeoutMs * 3);
    expect(out.providerResult?.metadata).toMatchObject({ connections: 2, delivered: 1, failed: 1 });
  });

  it('evicts a connection after three failures in a row, and forgives a failure followed by a success', async () => {
    const channel = new WebSocketChannel('ws-user', { sendTimeoutMs: 20 });
    let flakyCalls = 0;
    channel.registerConnection('dead', () => { throw new Error('socket closed'); }, { roomId: 'room-a' });
    channel.registerConnection('slow', never, { roomId: 'room-a' });
    // Fails every other send: never three in a row.
    channel.registerConnection('flaky', async () => {
      flakyCalls += 1;
      if (flakyCalls % 2 === 1) throw new Error('hiccup');
    }, { roomId: 'room-a' });

    const deliver = () => channel.deliver(makeEvent({ roomId: 'room-a' }), wsBinding('room-a'), ctx);
    await deliver();
    await deliver();
    expect(channel.connectionsFor('room-a').sort()).toEqual(['dead', 'flaky', 'slow']);

    const third = await deliver();
    expect(third.providerResult?.metadata).toMatchObject({ evicted: ['dead', 'slow'] });
    expect(channel.connectionsFor('room-a')).toEqual(['flaky']);

    await deliver();
    await deliver();
    expect(channel.connectionsFor('room-a')).toEqual(['flaky']);
  });

  it('reports zero connections when nobody listens to the room', async () => {
    const out = await new WebSocketChannel('ws-user').deliver(makeEvent(), wsBinding('room-1'), ctx);
    expect(out.providerResult).toEqual({
      success: true, metadata: { connections: 0, delivered: 0, failed: 0, timedOut: 0, evicted: [] },
    });
  });

  it('lets re-registering an id replace the old connection, whose unregister then does nothing', async () => {
    const channel = new WebSocketChannel('ws-user');
    const first = recorder();
    const second = recorder();
    const unregisterFirst = channel.registerConnection('conn', first.send, { roomId: 'room-a' });
    channel.registerConnection('conn', second.send, { roomId: 'room-b' });
    unregisterFirst();

    await channel.deliver(makeEvent({ roomId: 'room-b' }), wsBinding('room-b'), ctx);
    expect(channel.connectionsFor('room-a')).toEqual([]);
    expect(first.frames).toEqual([]);
    expect(second.frames).toHaveLength(1);
  });

  it('refuses a non-positive send timeout', () => {
    expect(() => new WebSocketChannel('ws-user', { sendTimeoutMs: 0 })).toThrow(RangeError);
  });
});

describe('attachWebSocket with a real ws server', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('delivers a JSON frame to the client and unregisters when the client closes', async () => {
    const channel = new WebSocketChannel('ws-user', { sendTimeoutMs: 1000 });
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await once(server, 'listening');

    const serverSocketClosed = new Promise<void>((resolve) => {
      server.on('connection', (socket) => {
        socket.on('close', () => resolve());
        attachWebSocket(channel, socket, { roomId: 'room-a', connectionId: 'browser-1' });
      });
    });
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    cleanup.push(() => client.terminate());
    const firstMessage = once(client, 'message');
    await once(client, 'open');
    await expect.poll(() => channel.connectionsFor('room-a')).toEqual(['browser-1']);

    const event = makeEvent({ roomId: 'room-a', content: { type: 'text', body: 'héllo 👋' } });
    const out = await channel.deliver(event, wsBinding('room-a'), ctx);
    expect(out.providerResult?.metadata).toMatchObject({ delivered: 1, failed: 0 });

    const [data] = (await firstMessage) as [Buffer];
    expect(JSON.parse(data.toString('utf8'))).toEqual({ type: 'event', roomId: 'room-a', event });

    client.close();
    await serverSocketClosed;
    expect(channel.connectionsFor('room-a')).toEqual([]);
    const after = await channel.deliver(event, wsBinding('room-a'), ctx);
    expect(after.providerResult?.metadata).toMatchObject({ connections: 0 });
  });

  it('fails the send to a socket that is closing, without throwing from deliver', async () => {
    const channel = new WebSocketChannel('ws-user', { sendTimeoutMs: 1000 });
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    await once(server, 'listening');
    const serverSocket = new Promise<WebSocket>((resolve) => {
      server.on('connection', (socket) => {
        attachWebSocket(channel, socket, { roomId: 'room-a' });
        resolve(socket);
      });
    });
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    cleanup.push(() => client.terminate());
    const socket = await serverSocket;

    // terminate() marks the socket CLOSING at once; its 'close' event (which unregisters) comes later.
    socket.terminate();
    const out = await channel.deliver(makeEvent({ roomId: 'room-a' }), wsBinding('room-a'), ctx);
    expect(out.providerResult?.metadata).toMatchObject({ connections: 1, delivered: 0, failed: 1 });
    await expect.poll(() => channel.connectionsFor('room-a')).toEqual([]);
  });
});

describe('WebSocketChannel stream frames', () => {
  it('broadcast sends any frame to the room\'s connections only, with the same outcome counts as deliver', async () => {
    const channel = new WebSocketChannel('ws-user');
    const a = recorder();
    const b = recorder();
    channel.registerConnection('conn-a', a.send, { roomId: 'room-a' });
    channel.registerConnection('conn-b', b.send, { roomId: 'room-b' });
    expect(channel.supportsStreamingFor('room-a')).toBe(true);
    expect(channel.supportsStreamingFor('room-c')).toBe(false);

    const start: WebSocketFrame = { type: 'stream_start', roomId: 'room-a', streamId: 's1', source: 'ai' };
    const chunk: WebSocketFrame = { type: 'stream_chunk', roomId: 'room-a', streamId: 's1', delta: 'Hel', text: 'Hel' };
    expect(await channel.broadcast('room-a', start)).toEqual({ connections: 1, delivered: 1, failed: 0, timedOut: 0, evicted: [] });
    await channel.broadcast('room-a', chunk);
    expect(a.frames).toEqual([start, chunk]);
    expect(b.frames).toEqual([]);
  });

  it('delivers a message streamed to this channel as stream_end instead of event', async () => {
    const channel = new WebSocketChannel('ws-user');
    const a = recorder();
    channel.registerConnection('conn-a', a.send, { roomId: 'room-a' });
    const event = makeEvent({ roomId: 'room-a', metadata: { stream_id: 'ev1:0', streamed_to: 'ws-user' } });
    const out = await channel.deliver(event, wsBinding('room-a'), ctx);
    expect(a.frames).toEqual([{ type: 'stream_end', roomId: 'room-a', streamId: 'ev1:0', event }]);
    expect(out.providerResult).toMatchObject({ success: true, metadata: { connections: 1, delivered: 1 } });
  });

  it('delivers a plain event frame when the stream went to another channel or there is no stream id', async () => {
    const channel = new WebSocketChannel('ws-user');
    const a = recorder();
    channel.registerConnection('conn-a', a.send, { roomId: 'room-a' });
    const elsewhere = makeEvent({ roomId: 'room-a', metadata: { stream_id: 'ev1:0', streamed_to: 'ws-other' } });
    const plain = makeEvent({ roomId: 'room-a', metadata: {} });
    await channel.deliver(elsewhere, wsBinding('room-a'), ctx);
    await channel.deliver(plain, wsBinding('room-a'), ctx);
    expect(a.frames.map((f) => f.type)).toEqual(['event', 'event']);
  });

  it('stream frames count towards eviction like events', async () => {
    const channel = new WebSocketChannel('ws-user', { sendTimeoutMs: 50 });
    const live = recorder();
    channel.registerConnection('dead', () => Promise.reject(new Error('gone')), { roomId: 'room-a' });
    channel.registerConnection('live', live.send, { roomId: 'room-a' });
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(await channel.broadcast('room-a', { type: 'stream_chunk', roomId: 'room-a', streamId: 's', delta: `${i}`, text: `${i}` }));
    }
    expect(outcomes.map((o) => o.evicted)).toEqual([[], [], ['dead']]);
    expect(outcomes[0]).toMatchObject({ connections: 2, delivered: 1, failed: 1 });
    expect(channel.connectionsFor('room-a')).toEqual(['live']);
    expect(live.frames).toHaveLength(3);
  });

  it('a real ws client receives stream frames as JSON through attachWebSocket', async () => {
    const channel = new WebSocketChannel('ws-user');
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(server, 'listening');
    server.on('connection', (socket) => attachWebSocket(channel, socket, { roomId: 'room-s', connectionId: 'c1' }));
    const { port } = server.address() as AddressInfo;
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const got: unknown[] = [];
    client.on('message', (data) => got.push(JSON.parse(String(data))));
    try {
      await once(client, 'open');
      await expect.poll(() => channel.connectionsFor('room-s')).toEqual(['c1']);
      await channel.broadcast('room-s', { type: 'stream_start', roomId: 'room-s', streamId: 's', source: 'ai' });
      await channel.broadcast('room-s', { type: 'stream_error', roomId: 'room-s', streamId: 's', error: 'AIProviderError' });
      await expect.poll(() => got.length).toBe(2);
      expect(got).toEqual([
        { type: 'stream_start', roomId: 'room-s', streamId: 's', source: 'ai' },
        { type: 'stream_error', roomId: 'room-s', streamId: 's', error: 'AIProviderError' },
      ]);
    } finally {
      client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
