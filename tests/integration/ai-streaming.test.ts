/**
 * Streaming AI answers to WebSocket clients (RoomKit §5.6, §9.4) through the public API: a real `ws`
 * server and client, rooms as Temporal workflows. The generation activity streams
 * `stream_start`/`stream_chunk` frames to the first WebSocket target; the workflow commits the
 * answer once, and its delivery to that channel is the `stream_end` frame carrying the stored event.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import {
  AIChannel, AIProviderError, MockAIProvider, SMSChannel, WebSocketChannel, attachWebSocket,
  type AIResponse, type RoomEvent, type RoomKit, type WebSocketFrame,
} from '../../src/index.js';
import type { MockAIProviderOptions } from '../../src/providers/ai/mock.js';
import { AnthropicAIProvider } from '../../src/providers/anthropic/index.js';
import { startAnthropicServer } from '../fixtures/ai-servers/anthropic.js';
import { eventually, roomId, startTestKit } from '../support/kit.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ANSWER = 'Your order A1 left the warehouse this morning.';

type Frame<T extends WebSocketFrame['type']> = Extract<WebSocketFrame, { type: T }>;
const ofType = <T extends WebSocketFrame['type']>(frames: WebSocketFrame[], type: T) =>
  frames.filter((f): f is Frame<T> => f.type === type);
const bodyOf = (e: RoomEvent) => (e.content.type === 'text' ? e.content.body : undefined);

describe('AI streaming to WebSocket connections', () => {
  let kit: RoomKit;
  let wss: WebSocketServer;
  let port: number;
  const ws = new WebSocketChannel('ws-app');
  const ws2 = new WebSocketChannel('ws-two');
  const sockets: WebSocket[] = [];
  const providers: Record<string, MockAIProvider> = {};

  function ai(id: string, options: MockAIProviderOptions): void {
    providers[id] = new MockAIProvider(options);
    kit.registerChannel(new AIChannel(id, { provider: providers[id], tools: ['lookup_order'] }));
  }

  beforeAll(async () => {
    kit = await startTestKit((k) => {
      k.registerChannel(ws);
      k.registerChannel(ws2);
      k.registerChannel(new SMSChannel('sms-in'));
      k.tool({
        name: 'lookup_order',
        description: 'Look up an order',
        parameters: z.object({ order_id: z.string() }),
        handler: ({ order_id }) => ({ order_id, status: 'shipped' }),
      });
    });
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    port = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket, req) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const channel = url.searchParams.get('ch') === ws2.channelId ? ws2 : ws;
      attachWebSocket(channel, socket, { roomId: url.searchParams.get('room') as string, connectionId: url.searchParams.get('conn') as string });
    });
  });

  afterAll(async () => {
    for (const s of sockets) s.terminate();
    await new Promise<void>((resolve) => (wss ? wss.close(() => resolve()) : resolve()));
    await kit?.close();
  });

  /** A real client subscribed to `room` on `channel`, once the server registered it. */
  async function connect(room: string, channel: WebSocketChannel = ws): Promise<WebSocketFrame[]> {
    const conn = `conn-${channel.channelId}-${room}`;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/?room=${room}&conn=${conn}&ch=${channel.channelId}`);
    sockets.push(socket);
    const frames: WebSocketFrame[] = [];
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data)) as WebSocketFrame;
      // The AI's own typing_start/typing_stop (ephemeral) come too; vendor-typing-read.test.ts covers them.
      if (frame.type !== 'ephemeral') frames.push(frame);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await eventually(async () => channel.connectionsFor(room).includes(conn));
    return frames;
  }

  async function room(aiId: string, channels: string[] = ['ws-app']): Promise<string> {
    const id = roomId('stream');
    await kit.createRoom({ roomId: id });
    for (const c of channels) await kit.attachChannel(id, c);
    await kit.attachChannel(id, aiId);
    return id;
  }

  const ask = (id: string, body: string, channelId = 'ws-app') =>
    kit.processInbound({ channelId, senderId: 'user-1', content: { type: 'text', body } }, { roomId: id });

  const aiMessages = async (id: string, aiId: string) =>
    (await kit.store.listEvents(id, { limit: 100 })).filter((e) => e.source.channelId === aiId && e.type === 'message');

  it('a connected client gets stream_start, the chunks, then stream_end with the stored event; the answer is stored once', async () => {
    ai('ai-stream', { streaming: true, chunkDelayMs: 5, responses: [ANSWER] });
    const id = await room('ai-stream');
    const frames = await connect(id);

    const result = await ask(id, 'Where is order A1?');
    expect(result.blocked).toBe(false);
    await eventually(async () => ofType(frames, 'stream_end').length === 1);
    await sleep(200); // anything stray would have arrived by now

    const stored = await aiMessages(id, 'ai-stream');
    expect(stored).toHaveLength(1);
    const [answer] = stored;
    expect(bodyOf(answer)).toBe(ANSWER);
    const streamId = `${result.event?.id}:0`;
    expect(answer.metadata).toMatchObject({ stream_id: streamId, streamed_to: 'ws-app', loop_end_reason: 'completed' });

    // The whole conversation on this socket: the user's own message is not echoed to its channel.
    const [start, ...rest] = frames;
    const end = rest.pop() as WebSocketFrame;
    expect(start).toEqual({ type: 'stream_start', roomId: id, streamId, source: 'ai-stream' });
    const chunks = ofType(rest, 'stream_chunk');
    expect(chunks).toHaveLength(rest.length);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.every((c) => c.roomId === id && c.streamId === streamId)).toBe(true);
    expect(chunks.map((c) => c.delta).join('')).toBe(ANSWER);
    // `text` is the answer so far, chunk after chunk.
    for (const [i, c] of chunks.entries()) expect(c.text).toBe(chunks.slice(0, i + 1).map((x) => x.delta).join(''));

    expect(end).toMatchObject({ type: 'stream_end', roomId: id, streamId });
    const endEvent = (end as Frame<'stream_end'>).event;
    expect(endEvent).toMatchObject({ id: answer.id, index: answer.index, status: 'delivered', content: { type: 'text', body: ANSWER } });
    expect(typeof endEvent.index).toBe('number');
    expect(ofType(frames, 'event')).toEqual([]);
    expect(providers['ai-stream'].calls).toHaveLength(1);
  });

  it('Claude streams through the Anthropic SDK (messages.stream, SSE from a loopback Messages API): chunks as they come, the answer stored once', async () => {
    const server = await startAnthropicServer();
    try {
      server.script({ kind: 'text', text: ANSWER });
      kit.registerChannel(new AIChannel('ai-claude', {
        provider: new AnthropicAIProvider({ apiKey: server.apiKey, baseURL: server.origin, model: 'claude-sonnet-4-6' }),
      }));
      const id = await room('ai-claude');
      const frames = await connect(id);
      const result = await ask(id, 'Where is my order?');
      expect(result.blocked).toBe(false);
      await eventually(async () => ofType(frames, 'stream_end').length === 1);

      expect(server.requests).toHaveLength(1);
      expect(server.lastBody()).toMatchObject({ stream: true, model: 'claude-sonnet-4-6' });
      const chunks = ofType(frames, 'stream_chunk');
      expect(chunks.length).toBeGreaterThan(3); // the fake sends a few words per delta
      expect(chunks.map((c) => c.delta).join('')).toBe(ANSWER);
      const stored = await aiMessages(id, 'ai-claude');
      expect(stored.map(bodyOf)).toEqual([ANSWER]);
      expect((ofType(frames, 'stream_end')[0] as Frame<'stream_end'>).event.id).toBe(stored[0].id);
    } finally {
      await server.close();
    }
  });

  it('a tool round streams its text-before and the final answer as two streams, each closed by its stored message', async () => {
    const rounds: AIResponse[] = [
      { content: 'Let me check that order.', toolCalls: [{ id: 't1', name: 'lookup_order', arguments: { order_id: 'A1' } }] },
      { content: 'It has shipped.' },
    ];
    ai('ai-stream-tools', { streaming: true, aiResponses: rounds });
    const id = await room('ai-stream-tools');
    const frames = await connect(id);

    const result = await ask(id, 'Where is order A1?');
    await eventually(async () => ofType(frames, 'stream_end').length === 2);
    await sleep(200);

    const stored = await aiMessages(id, 'ai-stream-tools');
    expect(stored.map(bodyOf)).toEqual(['Let me check that order.', 'It has shipped.']);
    const ids = [`${result.event?.id}:0`, `${result.event?.id}:1`];
    expect(stored.map((e) => e.metadata.stream_id)).toEqual(ids);

    expect(ofType(frames, 'stream_start').map((f) => f.streamId)).toEqual(ids);
    for (const [i, streamId] of ids.entries()) {
      const text = ofType(frames, 'stream_chunk').filter((c) => c.streamId === streamId).map((c) => c.delta).join('');
      expect(text).toBe(bodyOf(stored[i]));
      const end = ofType(frames, 'stream_end').find((f) => f.streamId === streamId);
      expect(end?.event).toMatchObject({ id: stored[i].id, index: stored[i].index, content: stored[i].content });
      // Each stream's chunks come before its end.
      const endAt = frames.indexOf(end as WebSocketFrame);
      expect(frames.findLastIndex((f) => f.type === 'stream_chunk' && f.streamId === streamId)).toBeLessThan(endAt);
    }
    // Tool call events are ordinary events; the streamed messages never come as `event` frames.
    const plain = ofType(frames, 'event').map((f) => f.event);
    expect(plain.map((e) => e.type)).toEqual(['tool_call_start', 'tool_call_end']);
  });

  it('only the first WebSocket target streams; another WebSocket channel gets the stored answer as a plain event', async () => {
    ai('ai-stream-two', { streaming: true, responses: [ANSWER] });
    const id = await room('ai-stream-two', ['ws-app', 'ws-two', 'sms-in']);
    const first = await connect(id);
    const second = await connect(id, ws2);

    const result = await ask(id, 'hello', 'sms-in');
    await eventually(async () => ofType(first, 'stream_end').length === 1 && ofType(second, 'event').length === 2);
    await sleep(200);

    const [answer] = await aiMessages(id, 'ai-stream-two');
    expect(answer.metadata).toMatchObject({ stream_id: `${result.event?.id}:0`, streamed_to: 'ws-app' });
    // The first channel: the user's SMS as an event and the stream. The trigger's delivery and the AI
    // turn run concurrently, so the stream may begin before the trigger's frame; indexes order them.
    expect(ofType(first, 'event').map((f) => f.event.id)).toEqual([result.event?.id]);
    const stream = first.filter((f) => f.type !== 'event').map((f) => f.type);
    expect(stream).toEqual(['stream_start', ...Array(stream.length - 2).fill('stream_chunk'), 'stream_end']);
    expect(ofType(first, 'stream_end')[0].event.index).toBeGreaterThan(result.event?.index as number);
    // The second channel: no stream frames, both messages as events.
    expect(second.map((f) => f.type)).toEqual(['event', 'event']);
    expect(ofType(second, 'event').map((f) => f.event.id)).toEqual([result.event?.id, answer.id]);
    expect(ofType(second, 'event')[1].event.content).toEqual({ type: 'text', body: ANSWER });
  });

  it('a room whose WebSocket channel has no connections still gets the answer, stored once and unstreamed', async () => {
    ai('ai-stream-nobody', { streaming: true, responses: [ANSWER] });
    const id = await room('ai-stream-nobody', ['ws-app', 'sms-in']);
    const result = await ask(id, 'anyone?', 'sms-in');
    expect(result.blocked).toBe(false);
    expect(result.error).toBeUndefined();

    const stored = await aiMessages(id, 'ai-stream-nobody');
    expect(stored).toHaveLength(1);
    expect(bodyOf(stored[0])).toBe(ANSWER);
    expect(stored[0].metadata.stream_id).toBeUndefined();
    expect(stored[0].status).toBe('delivered');
    expect(providers['ai-stream-nobody'].calls).toHaveLength(1);
  });

  it('a provider that cannot stream still answers with a plain event frame', async () => {
    ai('ai-plain', { responses: [ANSWER] });
    const id = await room('ai-plain');
    const frames = await connect(id);
    await ask(id, 'hi');
    await eventually(async () => frames.length >= 1);
    await sleep(200);

    const stored = await aiMessages(id, 'ai-plain');
    expect(stored).toHaveLength(1);
    expect(stored[0].metadata.stream_id).toBeUndefined();
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({ type: 'event', roomId: id, event: { id: stored[0].id, content: { type: 'text', body: ANSWER } } });
  });

  it('a stream that breaks midway ends with stream_error; the retried generation streams anew and its answer is stored once', async () => {
    let attempts = 0;
    const error = new AIProviderError('connection reset', { provider: 'mock', retryable: true });
    ai('ai-stream-flaky', { streaming: true, responses: [ANSWER], streamError: () => (++attempts === 1 ? { afterChunks: 2, error } : undefined) });
    const id = await room('ai-stream-flaky');
    const frames = await connect(id);

    const result = await ask(id, 'Where is order A1?');
    expect(result.error).toBeUndefined();
    await eventually(async () => ofType(frames, 'stream_end').length === 1);
    await sleep(200);

    const failedId = `${result.event?.id}:0`;
    const retriedId = `${result.event?.id}:0:2`;
    expect(ofType(frames, 'stream_start').map((f) => f.streamId)).toEqual([failedId, retriedId]);
    expect(ofType(frames, 'stream_chunk').filter((c) => c.streamId === failedId)).toHaveLength(2);
    // The client is told the stream is void; the provider's message never reaches it.
    expect(ofType(frames, 'stream_error')).toEqual([{ type: 'stream_error', roomId: id, streamId: failedId, error: 'AIProviderError' }]);
    expect(frames.findIndex((f) => f.type === 'stream_error')).toBeLessThan(frames.findIndex((f) => f.type === 'stream_start' && f.streamId === retriedId));
    expect(ofType(frames, 'stream_chunk').filter((c) => c.streamId === retriedId).map((c) => c.delta).join('')).toBe(ANSWER);

    const stored = await aiMessages(id, 'ai-stream-flaky');
    expect(stored).toHaveLength(1);
    expect(stored[0].metadata.stream_id).toBe(retriedId);
    expect(ofType(frames, 'stream_end')[0]).toMatchObject({ streamId: retriedId, event: { id: stored[0].id, content: { type: 'text', body: ANSWER } } });
    expect(ofType(frames, 'event')).toEqual([]);
    expect(providers['ai-stream-flaky'].calls).toHaveLength(2);
  });
});
