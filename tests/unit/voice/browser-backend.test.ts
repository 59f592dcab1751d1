/**
 * The browser transport on the wire: PCM16 16 kHz binary frames and JSON control over a real `ws`
 * server on loopback, real speech from espeak-ng, an in-memory VoicePort.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pcm16FromBytes } from '../../../src/voice/audio.js';
import { FakeBrowserCall } from '../../support/fake-voice-clients.js';
import { speak, speechSpan, startVoiceServer, wavAs, type VoiceServer } from '../../support/voice-server.js';

const PCM16K = { encoding: 'pcm16', sampleRate: 16_000 } as const;
const silence = (ms: number) => new Uint8Array(ms * 32);

let question: Uint8Array;
let answerWav: Uint8Array;
let s: VoiceServer;

beforeAll(async () => {
  question = wavAs(await speak('Where is my order please'), PCM16K);
  answerWav = await speak('Your order left our warehouse this morning and should arrive by Thursday afternoon.');
});
beforeEach(async () => {
  s = await startVoiceServer();
});
afterEach(async () => {
  await s.close();
});

async function call(roomId = 'room-web'): Promise<FakeBrowserCall> {
  const c = await FakeBrowserCall.connect(`${s.wsOrigin}/voice/browser/voice/stream`);
  c.send({ type: 'start', roomId, callerId: 'web-ann' });
  await vi.waitFor(() => expect(s.port.subscribed(roomId, 'voice')).toBe(true));
  return c;
}

describe('browser voice backend', () => {
  it('answers start with ready and routes the call by its roomId', async () => {
    const c = await call();
    expect(c.received[0]).toEqual({ type: 'ready', sessionId: expect.stringMatching(/^web-/) });
    expect(s.port.opened[0]).toMatchObject({ channelId: 'voice', callerId: 'web-ann', parameters: { roomId: 'room-web', callerId: 'web-ann' } });
    expect(s.sessions[0].state).toBe('active');
  });

  it('cuts caller speech into an utterance stored as PCM16 at 16 kHz', async () => {
    const c = await call();
    await c.stream(silence(400));
    await c.stream(question);
    await c.stream(silence(800));
    await vi.waitFor(() => expect(s.port.utterances).toHaveLength(1));
    const u = s.port.utterances[0];
    expect(u).toMatchObject({ roomId: 'room-web', senderId: 'web-ann', audio: { format: { encoding: 'pcm16', sampleRate: 16_000 } } });
    expect(pcm16FromBytes(await s.audioStore.get(u.audio)).length).toBe(u.audio.durationMs * 16);
    const span = speechSpan(question, PCM16K);
    expect(u.audio.durationMs).toBeGreaterThanOrEqual(span.endMs - span.startMs - 40);
    expect(u.audio.durationMs).toBeLessThanOrEqual(span.endMs - span.startMs + 240);
  });

  it('plays an answer as PCM16 frames followed by a mark, and barges in with clear', async () => {
    const c = await call();
    const audio = await s.audioStore.put(answerWav, { encoding: 'wav', sampleRate: 22_050 });
    s.port.play('room-web', 'voice', { eventId: 'ev-1', audio, text: '' });
    await vi.waitFor(() => expect(c.log.some((l) => l.startsWith('mark:ev-1#'))).toBe(true));
    const expected = wavAs(answerWav, PCM16K);
    expect(Buffer.concat(c.audioFrames)).toEqual(Buffer.from(expected));
    expect(c.audioFrames.slice(0, -1).every((f) => f.length === 640)).toBe(true);
    await c.stream(silence(400));
    await c.stream(question);
    await c.stream(silence(800));
    await vi.waitFor(() => expect(s.port.bargeIns).toHaveLength(1));
    expect(c.received).toContainEqual({ type: 'clear' });
    const { playedMs, eventId } = s.port.bargeIns[0];
    expect(eventId).toBe('ev-1');
    expect(playedMs).toBeGreaterThan(400);
    expect(playedMs).toBeLessThan(expected.length / 32);
    expect(Math.abs(c.playedMs - playedMs)).toBeLessThanOrEqual(100);
  });

  it('reports bad messages and goes on; closes on an unsupported sample rate', async () => {
    const c = await FakeBrowserCall.connect(`${s.wsOrigin}/voice/browser/voice/stream`);
    c.sendBinary(new Uint8Array(640));
    c.ws.send('not json');
    c.send({ type: 'start', roomId: 'room-web', extra: 1 });
    c.send({ type: 'start', roomId: 'room-web' });
    await vi.waitFor(() => expect(s.port.subscribed('room-web', 'voice')).toBe(true));
    c.sendBinary(new Uint8Array(641));
    c.send({ type: 'mark' });
    await vi.waitFor(() => expect(s.errors).toHaveLength(5));
    expect(s.errors.map((e) => e.message)).toEqual([
      'browser: audio before start',
      'browser: malformed JSON: "not json"',
      expect.stringMatching(/^browser: invalid message: \(root\): Unrecognized key/),
      'browser: audio frame of 641 bytes (PCM16 frames have an even length)',
      'browser: invalid message: name: Invalid input: expected string, received undefined',
    ]);
    expect(c.received.filter((m) => m.type === 'error')).toHaveLength(5);
    await c.stream(silence(300));
    await c.stream(question);
    await c.stream(silence(800));
    await vi.waitFor(() => expect(s.port.utterances).toHaveLength(1));

    const bad = await FakeBrowserCall.connect(`${s.wsOrigin}/voice/browser/voice/stream`);
    bad.send({ type: 'start', roomId: 'room-x', sampleRate: 48_000 });
    const closed = await bad.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/sampleRate/);
  });

  it('ends the session when the caller hangs up', async () => {
    const c = await call();
    c.send({ type: 'stop' });
    expect((await c.closed).code).toBe(1000);
    await s.sessions[0].ended;
    expect(s.sessions[0].state).toBe('ended');
    expect(s.port.closed).toEqual([{ roomId: 'room-web', channelId: 'voice', sessionId: s.sessions[0].sessionId, reason: 'caller hung up' }]);
  });
});
