/**
 * The Twilio transport on the wire: a real Express app and `ws` server on loopback, a fake Twilio
 * speaking the Media Streams protocol (tests/support/fake-voice-clients.ts), real speech from
 * espeak-ng as μ-law 8 kHz, an in-memory VoicePort.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { twilioSignature } from '../../../src/providers/twilio/signature.js';
import { pcm16FromBytes } from '../../../src/voice/audio.js';
import { twilioStreamTwiml } from '../../../src/voice/backends/twilio-twiml.js';
import { FakeTwilioCall } from '../../support/fake-voice-clients.js';
import { speak, speechSpan, startVoiceServer, wavAs, type VoiceServer } from '../../support/voice-server.js';

const MULAW = { encoding: 'mulaw', sampleRate: 8000 } as const;
const silence = (ms: number) => new Uint8Array((ms * 8)).fill(0xff); // μ-law digital silence

let question: Uint8Array; // caller speech, μ-law 8 kHz
let answerWav: Uint8Array; // the room's answer, espeak WAV
let s: VoiceServer;

beforeAll(async () => {
  question = wavAs(await speak('Where is my order please'), MULAW);
  answerWav = await speak('Your order left our warehouse this morning and should arrive by Thursday afternoon.');
});
beforeEach(async () => {
  s = await startVoiceServer({ twilio: { authToken: 'test-auth-token' } });
});
afterEach(async () => {
  await s.close();
});

/** Twilio signs the stream's handshake with the account's auth token. */
function connectSigned(path: string): Promise<FakeTwilioCall> {
  const url = `${s.wsOrigin}${path}`;
  return FakeTwilioCall.connect(url, { 'x-twilio-signature': twilioSignature('test-auth-token', url, {}) });
}

async function call(customParameters: Record<string, string> = { callerId: '+15551230000' }): Promise<FakeTwilioCall> {
  const c = await connectSigned('/voice/twilio/voice/stream');
  c.connected();
  c.start({ customParameters });
  await vi.waitFor(() => expect(s.port.subscribed('room-1', 'voice')).toBe(true));
  return c;
}

async function answer(eventId = 'ev-answer') {
  const audio = await s.audioStore.put(answerWav, { encoding: 'wav', sampleRate: 22_050 });
  return { eventId, audio, text: 'Your order left…' };
}

describe('twilio media streams: caller speech', () => {
  it('cuts the caller speech into one utterance whose clip is in the audio store', async () => {
    const c = await call();
    await c.stream(silence(400));
    await c.stream(question);
    await c.stream(silence(800));
    await vi.waitFor(() => expect(s.port.utterances).toHaveLength(1));
    const u = s.port.utterances[0];
    expect(s.port.opened[0]).toMatchObject({ channelId: 'voice', sessionId: c.streamSid, callerId: '+15551230000' });
    expect(s.port.opened[0].parameters).toMatchObject({ callerId: '+15551230000', callSid: c.callSid });
    expect(u).toMatchObject({ roomId: 'room-1', channelId: 'voice', sessionId: c.streamSid, senderId: '+15551230000' });
    expect(u.audio.format).toEqual({ encoding: 'pcm16', sampleRate: 8000 });
    const clip = pcm16FromBytes(await s.audioStore.get(u.audio));
    expect(clip.length).toBe(u.audio.durationMs * 8);
    const span = speechSpan(question, MULAW);
    const spoken = span.endMs - span.startMs;
    // The spoken part plus up to 100 ms of padding each side.
    expect(u.audio.durationMs).toBeGreaterThanOrEqual(spoken - 40);
    expect(u.audio.durationMs).toBeLessThanOrEqual(spoken + 240);
    expect(Date.parse(u.speechEndedAt) - Date.parse(u.speechStartedAt)).toBeCloseTo(spoken, -2);
  });

  it('ends the session on stop: state ended, closeSession called, socket closed', async () => {
    const c = await call();
    await c.stream(silence(200));
    c.stop();
    const { code } = await c.closed;
    await s.sessions[0].ended;
    expect(code).toBe(1000);
    expect(s.sessions[0].state).toBe('ended');
    expect(s.port.closed).toEqual([{ roomId: 'room-1', channelId: 'voice', sessionId: c.streamSid, reason: 'stream stopped' }]);
    expect(s.voice.sessions.size).toBe(0);
  });

  it('ends the session when the socket drops without a stop', async () => {
    const c = await call();
    c.close();
    await vi.waitFor(() => expect(s.port.closed).toHaveLength(1));
    expect(s.sessions[0].state).toBe('ended');
  });
});

describe('twilio media streams: playback', () => {
  it('plays a room answer as 20 ms μ-law media frames followed by a mark', async () => {
    const c = await call();
    s.port.play('room-1', 'voice', await answer());
    await vi.waitFor(() => expect(c.log.some((l) => l.startsWith('mark:'))).toBe(true));
    const expected = wavAs(answerWav, MULAW);
    expect(Buffer.concat(c.mediaFrames)).toEqual(Buffer.from(expected));
    expect(c.mediaFrames.slice(0, -1).every((f) => f.length === 160)).toBe(true);
    expect(c.log.at(-1)).toMatch(/^mark:ev-answer#/);
    expect(c.received.at(-1)).toEqual({ event: 'mark', streamSid: c.streamSid, mark: { name: c.log.at(-1)!.slice(5) } });
    expect(c.received[0]).toMatchObject({ event: 'media', streamSid: c.streamSid, media: { payload: expect.any(String) } });
  });

  it('plays queued answers in order, the next one after the mark of the previous came back', async () => {
    const c = await call();
    s.port.play('room-1', 'voice', await answer('ev-1'));
    s.port.play('room-1', 'voice', await answer('ev-2'));
    await vi.waitFor(() => expect(c.log.some((l) => l.startsWith('mark:ev-1'))).toBe(true));
    expect(c.log.some((l) => l.startsWith('mark:ev-2'))).toBe(false);
    // The caller listens in silence: the far end plays one frame per frame of caller audio.
    const clipMs = wavAs(answerWav, MULAW).length / 8;
    await c.stream(silence(clipMs + 100));
    await vi.waitFor(() => expect(c.log.some((l) => l.startsWith('mark:ev-2'))).toBe(true));
    const echo1 = c.log.findIndex((l) => l.startsWith('echo:ev-1'));
    const firstMediaOf2 = c.log.findIndex((l, i) => i > c.log.findIndex((x) => x.startsWith('mark:ev-1')) && l === 'media');
    expect(echo1).toBeGreaterThan(0);
    expect(firstMediaOf2).toBeGreaterThan(echo1);
    expect(s.port.bargeIns).toHaveLength(0);
  });

  it('on caller speech during playback sends clear and reports barge-in with the ms played', async () => {
    const c = await call();
    s.port.play('room-1', 'voice', await answer('ev-long'));
    await vi.waitFor(() => expect(c.log.some((l) => l.startsWith('mark:'))).toBe(true));
    const clipMs = wavAs(answerWav, MULAW).length / 8;
    await c.stream(silence(500));
    await c.stream(question);
    await c.stream(silence(800));
    await vi.waitFor(() => expect(s.port.bargeIns).toHaveLength(1));
    expect(c.log).toContain('clear');
    expect(c.received.find((m) => m.event === 'clear')).toEqual({ event: 'clear', streamSid: c.streamSid });
    const { eventId, playedMs, sessionId } = s.port.bargeIns[0];
    expect(eventId).toBe('ev-long');
    expect(sessionId).toBe(c.streamSid);
    expect(playedMs).toBeGreaterThan(500);
    expect(playedMs).toBeLessThan(clipMs);
    // What the far end had played when it got `clear`, to the frame the server decided on.
    expect(Math.abs(c.playedMs - playedMs)).toBeLessThanOrEqual(100);
    // The interruption is still an utterance.
    await vi.waitFor(() => expect(s.port.utterances).toHaveLength(1));
  });
});

describe('twilio media streams: protocol errors', () => {
  it('reports malformed, unknown and misaddressed messages clearly and goes on with the call', async () => {
    const c = await connectSigned('/voice/twilio/voice/stream');
    c.connected();
    await c.stream(silence(20)); // media before start
    c.start({ customParameters: { callerId: '+15551230000' } });
    c.sendRaw('{"event": "media", ');
    c.send({ event: 'hangup', streamSid: c.streamSid });
    c.send({ event: 'media', streamSid: c.streamSid, media: { payload: '***' } });
    await c.stream(silence(40), 'MZ-someone-else');
    c.sendRaw(Buffer.from([1, 2, 3]));
    await vi.waitFor(() => expect(s.errors).toHaveLength(7));
    const messages = s.errors.map((e) => e.message);
    expect(messages).toEqual([
      'twilio-media-streams: media before start',
      'twilio-media-streams: malformed JSON: "{\\"event\\": \\"media\\", "',
      'twilio-media-streams: unknown event: "hangup"',
      'twilio-media-streams: invalid media message: media.payload: not base64',
      expect.stringMatching(/^twilio-media-streams: unknown streamSid MZ-someone-else \(this stream is MZ[0-9a-f]{32}\)$/),
      expect.stringMatching(/^twilio-media-streams: unknown streamSid/),
      'twilio-media-streams: binary frame (Media Streams messages are JSON text)',
    ]);
    expect(s.errors.every((e) => e.name === 'VoiceProtocolError')).toBe(true);
    await c.stream(silence(300));
    await c.stream(question);
    await c.stream(silence(800));
    await vi.waitFor(() => expect(s.port.utterances).toHaveLength(1));
    expect(s.sessions[0].state).toBe('active');
  });

  it('closes a stream in a media format it cannot read, with the reason', async () => {
    const c = await connectSigned('/voice/twilio/voice/stream');
    c.connected();
    c.start({ mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000, channels: 1 } });
    const { code, reason } = await c.closed;
    expect(code).toBe(1008);
    expect(reason).toBe('unsupported mediaFormat audio/x-l16/16000/1 (expected audio/x-mulaw/8000/1)');
    await s.sessions[0].ended;
    expect(s.sessions[0].state).toBe('ended');
    expect(s.errors[0]).toMatchObject({ name: 'VoiceProtocolError', fatal: true });
    expect(s.port.opened).toHaveLength(0);
  });

  it('refuses a stream handshake without (401) or with a wrong (403) Twilio signature', async () => {
    const url = `${s.wsOrigin}/voice/twilio/voice/stream`;
    await expect(FakeTwilioCall.connect(url)).rejects.toThrow(/401/);
    await expect(FakeTwilioCall.connect(url, { 'x-twilio-signature': twilioSignature('another-token', url, {}) })).rejects.toThrow(/403/);
    expect(s.sessions).toHaveLength(0);
  });

  it('refuses a stream for a channel it does not serve', async () => {
    await expect(FakeTwilioCall.connect(`${s.wsOrigin}/voice/twilio/other/stream`)).rejects.toThrow(/404/);
  });

  it('surfaces DTMF to the session callback', async () => {
    await s.close();
    const digits: string[] = [];
    s = await startVoiceServer({ onDtmf: (d) => digits.push(d) });
    const c = await call();
    c.dtmf('7');
    await vi.waitFor(() => expect(digits).toEqual(['7']));
  });
});

describe('twilio incoming-call webhook', () => {
  const form = { CallSid: 'CA0123', From: '+15551234567', To: '+15557654321' };

  async function post(path: string, signature?: string) {
    return fetch(`${s.origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature && { 'x-twilio-signature': signature }) },
      body: new URLSearchParams(form).toString(),
    });
  }

  it('answers a signed call with <Connect><Stream> to the stream route and the caller as parameters', async () => {
    const url = `${s.origin}/voice/twilio/voice/incoming`;
    const res = await post('/voice/twilio/voice/incoming', twilioSignature('test-auth-token', url, form));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
    expect(await res.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect>'
      + `<Stream url="${s.wsOrigin}/voice/twilio/voice/stream">`
      + '<Parameter name="From" value="+15551234567"/><Parameter name="To" value="+15557654321"/>'
      + '<Parameter name="callerId" value="+15551234567"/>'
      + '</Stream></Connect></Response>',
    );
  });

  it('refuses a missing (401) or wrong (403) signature, and an unknown channel (404)', async () => {
    expect((await post('/voice/twilio/voice/incoming')).status).toBe(401);
    expect((await post('/voice/twilio/voice/incoming', 'bm9wZQ==')).status).toBe(403);
    expect((await post('/voice/twilio/nope/incoming', 'x')).status).toBe(404);
  });

  it('builds the TwiML with the twilio package, escaping parameter values', () => {
    expect(twilioStreamTwiml({ streamUrl: 'wss://v.example.com/voice/twilio/voice/stream', parameters: { note: 'a&b<c>' } })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://v.example.com/voice/twilio/voice/stream">'
      + '<Parameter name="note" value="a&amp;b&lt;c>"/></Stream></Connect></Response>',
    );
  });
});
