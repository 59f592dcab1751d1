/**
 * The voice streams share an HTTP server with the chat WebSocket endpoint and the chat page: each
 * upgrade listener takes its own paths only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { WebSocketChannel } from '../../../src/channels/websocket.js';
import { chatPage } from '../../../src/server/chat-page.js';
import type { RoomIngress } from '../../../src/server/ingress.js';
import { attachWebSocketEndpoint } from '../../../src/server/websocket-endpoint.js';
import { InMemoryAudioStore } from '../../../src/voice/audio-store.js';
import { mountVoice, type VoiceStreams } from '../../../src/voice/mount.js';
import { FakeBrowserCall, FakeTwilioCall } from '../../support/fake-voice-clients.js';
import { TestVoicePort } from '../../support/voice.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('mountVoice beside the chat endpoint', () => {
  it('routes voice streams to sessions and /ws to the chat endpoint on one server', async () => {
    const app = express();
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const channel = new WebSocketChannel('ws-user');
    const kit = { getChannel: () => channel } as unknown as RoomIngress;
    const wss = attachWebSocketEndpoint(server, kit, { path: '/ws', channelId: 'ws-user', joinRule: () => 'no rooms in this test' });
    const port = new TestVoicePort();
    const voice: VoiceStreams = mountVoice(app, server, { port, audioStore: new InMemoryAudioStore(), channelId: 'voice' });
    closers.push(async () => {
      await voice.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const twilio = await FakeTwilioCall.connect(`${origin}/voice/twilio/voice/stream`);
    twilio.start();
    const browser = await FakeBrowserCall.connect(`${origin}/voice/browser/voice/stream`);
    browser.send({ type: 'start', roomId: 'room-b' });
    await vi.waitFor(() => expect(port.opened).toHaveLength(2));
    expect(voice.sessions.size).toBe(2);

    // The chat endpoint got its socket (its join rule refused it, as it was told to).
    const chat = await FakeBrowserCall.connect(`${origin}/ws?room=room-1&participant=ann`);
    expect(await chat.closed).toEqual({ code: 1008, reason: 'no rooms in this test' });
    // A path nobody serves is refused at once, never left hanging.
    await expect(FakeBrowserCall.connect(`${origin}/nope`)).rejects.toThrow(/404/);
  });

  it('ends the session of a socket that stops answering pings', async () => {
    const app = express();
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = new TestVoicePort();
    const voice = mountVoice(app, server, { port, audioStore: new InMemoryAudioStore(), channelId: 'voice', heartbeatMs: 300 });
    closers.push(async () => {
      await voice.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/voice/browser/voice/stream`, { autoPong: false });
    await new Promise((resolve) => ws.once('open', resolve));
    ws.send(JSON.stringify({ type: 'start', roomId: 'room-b' }));
    await vi.waitFor(() => expect(port.closed).toHaveLength(1), { timeout: 5000 });
    expect(port.closed[0].reason).toBe('socket closed (1006)');
    expect(voice.sessions.size).toBe(0);
  });

  it('puts a call button on the chat page only when given a voice path', () => {
    const config = (html: string) => JSON.parse(/id="roomkit-config">(.*?)<\/script>/.exec(html)![1]);
    expect(config(chatPage({ wsPath: '/ws', roomId: 'r' })).voicePath).toBeUndefined();
    expect(config(chatPage({ wsPath: '/ws', roomId: 'r', voicePath: '/voice/browser/voice/stream' })).voicePath).toBe('/voice/browser/voice/stream');
  });
});
