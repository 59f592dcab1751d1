/**
 * WebSocketChannel delivery (RoomKit §9.4) end to end: a real `ws` server on 127.0.0.1, real `ws`
 * clients, rooms as Temporal workflows. A socket sees only its room (0.38 leak fix), and a dead
 * connection is bounded by `sendTimeoutMs`, never stalls the room, and is evicted after 3 failures.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SMSChannel, WebSocketChannel, attachWebSocket, type RoomKit } from '../../src/index.js';
import { EVICT_AFTER_FAILURES, type WebSocketEventFrame } from '../../src/channels/websocket.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const text = (body: string) => ({ type: 'text' as const, body });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TestClient {
  socket: WebSocket;
  frames: WebSocketEventFrame[];
}

describe('websocket: real ws server and clients, per-room delivery, bounded sends', () => {
  let kit: RoomKit;
  let wss: WebSocketServer;
  let port: number;
  const ws = new WebSocketChannel('ws-app');
  const clients: WebSocket[] = [];

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(ws);
      k.registerChannel(new SMSChannel('sms-in'));
    });
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    port = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket, req) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      attachWebSocket(ws, socket, { roomId: url.searchParams.get('room') as string, connectionId: url.searchParams.get('conn') ?? undefined });
    });
  });

  afterAll(async () => {
    for (const c of clients) c.terminate();
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  /** A real client subscribed to `room`, once the server registered it on the channel. */
  async function connect(room: string, conn: string): Promise<TestClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/?room=${encodeURIComponent(room)}&conn=${encodeURIComponent(conn)}`);
    clients.push(socket);
    const frames: WebSocketEventFrame[] = [];
    socket.on('message', (data) => frames.push(JSON.parse(String(data)) as WebSocketEventFrame));
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await eventually(async () => ws.connectionsFor(room).includes(conn));
    return { socket, frames };
  }

  async function roomWithWs(prefix: string, channelId = 'ws-app'): Promise<string> {
    const id = roomId(prefix);
    await kit.createRoom({ roomId: id });
    await kit.attachChannel(id, channelId);
    await kit.attachChannel(id, 'sms-in');
    return id;
  }

  it("a client connected for room A receives {type:'event', roomId, event} frames for A's messages and never room B's", async () => {
    const a = await roomWithWs('ws-a');
    const b = await roomWithWs('ws-b');
    const clientA = await connect(a, `conn-a-${a}`);
    const clientB = await connect(b, `conn-b-${b}`);

    const ra = await kit.processInbound({ channelId: 'sms-in', senderId: '+15554440001', content: text('for room A') }, { roomId: a });
    const rb = await kit.processInbound({ channelId: 'sms-in', senderId: '+15554440002', content: text('for room B') }, { roomId: b });
    expect(ra.deliveryResults['ws-app']).toMatchObject({ status: 'sent' });
    expect(ra.deliveryResults['ws-app']?.providerResult?.metadata).toMatchObject({ connections: 1, delivered: 1 });

    await eventually(async () => clientA.frames.length >= 1 && clientB.frames.length >= 1);
    const ra2 = await kit.processInbound({ channelId: 'sms-in', senderId: '+15554440001', content: text('A again') }, { roomId: a });
    await eventually(async () => clientA.frames.length >= 2);
    await sleep(300); // anything stray would have arrived by now

    expect(clientA.frames).toHaveLength(2);
    expect(clientA.frames[0]).toMatchObject({ type: 'event', roomId: a });
    expect(clientA.frames[0].event).toMatchObject({
      id: ra.event?.id, roomId: a, index: ra.event?.index, content: text('for room A'),
      source: { channelId: 'sms-in', participantId: '+15554440001' },
    });
    expect(clientA.frames[1].event.id).toBe(ra2.event?.id);
    expect(clientA.frames.every((f) => f.roomId === a && f.event.roomId === a)).toBe(true);

    expect(clientB.frames).toHaveLength(1);
    expect(clientB.frames[0]).toMatchObject({ type: 'event', roomId: b });
    expect(clientB.frames[0].event.id).toBe(rb.event?.id);
    expect(clientB.frames.some((f) => f.roomId === a)).toBe(false);
  });

  it('a client that disconnects is unregistered and the room keeps delivering to the others', async () => {
    const a = await roomWithWs('ws-close');
    const leaving = await connect(a, `conn-leave-${a}`);
    const staying = await connect(a, `conn-stay-${a}`);
    leaving.socket.close();
    await eventually(async () => !ws.connectionsFor(a).includes(`conn-leave-${a}`));

    const r = await kit.processInbound({ channelId: 'sms-in', senderId: '+15554440003', content: text('after close') }, { roomId: a });
    expect(r.deliveryResults['ws-app']?.status).toBe('sent');
    await eventually(async () => staying.frames.length >= 1);
    expect(staying.frames[0].event.id).toBe(r.event?.id);
    expect(leaving.frames).toHaveLength(0);
  });

  it('a connection whose send never resolves does not stall the room; after 3 timeouts it is evicted', async () => {
    const slowWs = new WebSocketChannel(`ws-dead-${Date.now()}`, { sendTimeoutMs: 300 });
    kit.registerChannel(slowWs);
    const id = await roomWithWs('ws-dead', slowWs.channelId);
    slowWs.registerConnection('dead', () => new Promise(() => {}), { roomId: id });
    const live: WebSocketEventFrame[] = [];
    slowWs.registerConnection('live', (frame) => {
      live.push(frame as WebSocketEventFrame);
    }, { roomId: id });
    expect(slowWs.connectionsFor(id).sort()).toEqual(['dead', 'live']);

    const results = [];
    for (let i = 1; i <= EVICT_AFTER_FAILURES; i++) {
      const t0 = Date.now();
      const r = await kit.processInbound({ channelId: 'sms-in', senderId: '+15554440004', content: text(`msg ${i}`) }, { roomId: id });
      const elapsed = Date.now() - t0;
      expect(elapsed).toBeLessThan(5_000);
      expect(r.blocked).toBe(false);
      expect(r.event?.status).toBe('delivered');
      // The websocket delivery itself succeeded (the event is stored; a dead client catches up from history).
      expect(r.deliveryResults[slowWs.channelId]?.status).toBe('sent');
      results.push(r);
      if (i < EVICT_AFTER_FAILURES) expect(slowWs.connectionsFor(id)).toContain('dead');
    }
    expect(results[0].deliveryResults[slowWs.channelId]?.providerResult?.metadata).toMatchObject({
      connections: 2, delivered: 1, timedOut: 1, evicted: [],
    });
    expect(results[2].deliveryResults[slowWs.channelId]?.providerResult?.metadata).toMatchObject({
      connections: 2, delivered: 1, timedOut: 1, evicted: ['dead'],
    });
    expect(slowWs.connectionsFor(id)).toEqual(['live']);
    expect(live.map((f) => f.event.content)).toEqual([text('msg 1'), text('msg 2'), text('msg 3')]);

    // Once evicted the dead connection costs nothing: the next message does not wait for it.
    const t0 = Date.now();
    const after = await kit.processInbound({ channelId: 'sms-in', senderId: '+15554440004', content: text('msg 4') }, { roomId: id });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(after.deliveryResults[slowWs.channelId]?.providerResult?.metadata).toMatchObject({ connections: 1, delivered: 1, timedOut: 0 });
    expect(live).toHaveLength(4);
    const state = await kit.roomState(id);
    expect(state.room.status).toBe('active');
    expect(state.counters.queued).toBe(0);
  });

  it('a dead connection in room A does not delay room B', async () => {
    const slowWs = new WebSocketChannel(`ws-dead2-${Date.now()}`, { sendTimeoutMs: 2_000 });
    kit.registerChannel(slowWs);
    const a = await roomWithWs('ws-deadA', slowWs.channelId);
    const b = await roomWithWs('ws-liveB', slowWs.channelId);
    slowWs.registerConnection('deadA', () => new Promise(() => {}), { roomId: a });
    const bFrames: WebSocketEventFrame[] = [];
    slowWs.registerConnection('liveB', (f) => {
      bFrames.push(f as WebSocketEventFrame);
    }, { roomId: b });

    const pendingA = kit.processInbound({ channelId: 'sms-in', senderId: '+1', content: text('to A') }, { roomId: a });
    const t0 = Date.now();
    const rb = await kit.processInbound({ channelId: 'sms-in', senderId: '+2', content: text('to B') }, { roomId: b });
    expect(Date.now() - t0).toBeLessThan(1_500);
    expect(rb.deliveryResults[slowWs.channelId]?.providerResult?.metadata).toMatchObject({ connections: 1, delivered: 1 });
    expect(bFrames.map((f) => f.roomId)).toEqual([b]);
    const ra = await pendingA;
    expect(ra.deliveryResults[slowWs.channelId]?.providerResult?.metadata).toMatchObject({ connections: 1, timedOut: 1 });
  });
});
