import { describe, expect, it, vi } from 'vitest';
import { InMemoryAudioStore } from '../../../src/voice/audio-store.js';
import { pcm16FromBytes, pcm16ToBytes } from '../../../src/voice/audio.js';
import { InvalidSessionTransitionError, type VoiceError } from '../../../src/voice/errors.js';
import { nextSessionState, VoiceSession, type VoiceSessionOptions } from '../../../src/voice/session.js';
import { concat, FakeBackend, silence, TestVoicePort, tone } from '../../support/voice.js';

const T0 = Date.parse('2026-12-07T12:00:00.000Z');

function setup(options: Partial<VoiceSessionOptions> = {}) {
  const port = new TestVoicePort();
  const audioStore = new InMemoryAudioStore();
  const backend = new FakeBackend();
  const errors: VoiceError[] = [];
  const dtmf: string[] = [];
  const session = new VoiceSession({
    channelId: 'voice', port, audioStore, backend, now: () => new Date(T0),
    onError: (e) => errors.push(e), onDtmf: (d) => dtmf.push(d), ...options,
  });
  return { port, audioStore, backend, session, errors, dtmf };
}

async function activeSetup(options: Partial<VoiceSessionOptions> = {}) {
  const s = setup(options);
  s.backend.ready();
  await vi.waitFor(() => expect(s.session.state).toBe('active'));
  return s;
}

async function clipRef(audioStore: InMemoryAudioStore, ms: number) {
  return audioStore.put(pcm16ToBytes(tone(ms)), { encoding: 'pcm16', sampleRate: 8000 });
}

describe('voice session state machine', () => {
  it('goes connecting → active → ended and never leaves ended', () => {
    expect(nextSessionState('s', 'connecting', 'active')).toBe('active');
    expect(nextSessionState('s', 'connecting', 'ended')).toBe('ended');
    expect(nextSessionState('s', 'active', 'ended')).toBe('ended');
    expect(() => nextSessionState('s', 'ended', 'active')).toThrow(InvalidSessionTransitionError);
    expect(() => nextSessionState('s', 'ended', 'connecting')).toThrow(/cannot go from ended to connecting/);
    expect(() => nextSessionState('s', 'active', 'connecting')).toThrow(InvalidSessionTransitionError);
    expect(() => nextSessionState('s', 'active', 'active')).toThrow(InvalidSessionTransitionError);
  });

  it('is connecting until the room is known, active once subscribed to play requests', async () => {
    const { session, port, backend } = setup();
    expect(session.state).toBe('connecting');
    backend.ready({ sessionId: 'MZ1', callerId: '+15550001111', parameters: { roomId: 'room-7' } });
    await vi.waitFor(() => expect(session.state).toBe('active'));
    expect(port.opened).toEqual([{ channelId: 'voice', sessionId: 'MZ1', callerId: '+15550001111', parameters: { roomId: 'room-7' } }]);
    expect(session.roomId).toBe('room-7');
    expect(port.subscribed('room-7', 'voice')).toBe(true);
  });

  it('ends on disconnect: unsubscribes, closes the room session with the reason, ignores later audio', async () => {
    const { session, port, backend } = await activeSetup();
    backend.handlers.onDisconnect('stream stopped');
    await session.ended;
    expect(session.state).toBe('ended');
    expect(port.closed).toEqual([{ roomId: 'room-1', channelId: 'voice', sessionId: 'S1', reason: 'stream stopped' }]);
    expect(port.subscribed('room-1', 'voice')).toBe(false);
    backend.push(concat(tone(600), silence(600)));
    backend.handlers.onDisconnect('again');
    expect(port.utterances).toHaveLength(0);
    expect(port.closed).toHaveLength(1);
  });

  it('ends and hangs up when the room cannot be opened', async () => {
    const { session, port, backend, errors } = setup();
    port.openGate = Promise.reject(new Error('no room for this caller'));
    backend.ready();
    await session.ended;
    expect(session.state).toBe('ended');
    expect(errors[0].message).toMatch(/could not open: no room for this caller/);
    expect(backend.log).toContainEqual({ type: 'close', reason: 'could not open the session' });
  });
});

describe('voice session turn-taking', () => {
  it('cuts one utterance per stretch of speech, stored as PCM16 at the VAD rate', async () => {
    const { port, audioStore, backend } = await activeSetup();
    backend.push(concat(silence(500), tone(800), silence(700)));
    await vi.waitFor(() => expect(port.utterances).toHaveLength(1));
    const u = port.utterances[0];
    expect(u).toMatchObject({ roomId: 'room-1', channelId: 'voice', sessionId: 'S1', senderId: '+15550001111' });
    expect(u.audio.format).toEqual({ encoding: 'pcm16', sampleRate: 8000 });
    // 800 ms of speech plus up to 100 ms of padding each side.
    expect(u.audio.durationMs).toBeGreaterThanOrEqual(800);
    expect(u.audio.durationMs).toBeLessThanOrEqual(1000);
    const samples = pcm16FromBytes(await audioStore.get(u.audio));
    expect(samples.length).toBe((u.audio.durationMs * 8000) / 1000);
    const spoken = Date.parse(u.speechEndedAt) - Date.parse(u.speechStartedAt);
    expect(spoken).toBeGreaterThanOrEqual(760);
    expect(spoken).toBeLessThanOrEqual(840);
    expect(Date.parse(u.speechStartedAt) - T0).toBeGreaterThanOrEqual(480);
    expect(Date.parse(u.speechStartedAt) - T0).toBeLessThanOrEqual(520);
  });

  it('drops speech shorter than minUtteranceMs', async () => {
    const { port, backend, session } = await activeSetup({ turn: { minUtteranceMs: 300 } });
    backend.push(concat(silence(200), tone(150), silence(700), tone(500), silence(700)));
    await vi.waitFor(() => expect(port.utterances).toHaveLength(1));
    await session.close();
    expect(port.utterances).toHaveLength(1);
  });

  it('cuts speech longer than maxUtteranceMs into pieces', async () => {
    const { port, backend } = await activeSetup({ turn: { maxUtteranceMs: 1000 } });
    backend.push(concat(silence(200), tone(2500), silence(700)));
    await vi.waitFor(() => expect(port.utterances).toHaveLength(3));
    const lengths = port.utterances.map((u) => Date.parse(u.speechEndedAt) - Date.parse(u.speechStartedAt));
    expect(lengths[0]).toBe(1000);
    expect(lengths[1]).toBe(1000);
    expect(lengths[2]).toBeGreaterThan(400);
  });

  it('keeps audio that came before the room was known and sends it once the room answers', async () => {
    const { port, backend, session } = setup();
    let open!: () => void;
    port.openGate = new Promise((resolve) => (open = resolve));
    backend.ready();
    backend.push(concat(silence(300), tone(600), silence(700)));
    expect(session.state).toBe('connecting');
    open();
    await vi.waitFor(() => expect(port.utterances).toHaveLength(1));
    expect(port.utterances[0].roomId).toBe('room-1');
  });

  it('sends what the caller was saying when the call drops mid-sentence', async () => {
    const { port, backend, session } = await activeSetup();
    backend.push(concat(silence(200), tone(700)));
    backend.handlers.onDisconnect('socket closed (1006)');
    await session.ended;
    expect(port.utterances).toHaveLength(1);
    expect(port.closed[0].reason).toBe('socket closed (1006)');
  });

  it('surfaces DTMF through its callback', async () => {
    const { backend, dtmf } = await activeSetup();
    backend.handlers.onDtmf?.('5');
    expect(dtmf).toEqual(['5']);
  });
});

describe('voice session playback and barge-in', () => {
  it('plays requests in order, each after the previous mark came back', async () => {
    const { port, audioStore, backend } = await activeSetup();
    port.play('room-1', 'voice', { eventId: 'e1', audio: await clipRef(audioStore, 300) });
    port.play('room-1', 'voice', { eventId: 'e2', audio: await clipRef(audioStore, 200) });
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(1));
    expect(backend.log.map((e) => e.type)).toEqual(['audio', 'mark']);
    expect((backend.log[0] as { samples: Int16Array }).samples.length).toBe(2400);
    backend.handlers.onMark(backend.marks()[0]);
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(2));
    expect(backend.marks()[0]).toMatch(/^e1#/);
    expect(backend.marks()[1]).toMatch(/^e2#/);
  });

  it('resamples a clip to the backend rate', async () => {
    const { port, audioStore, backend } = await activeSetup();
    const ref = await audioStore.put(pcm16ToBytes(tone(500, 16_000)), { encoding: 'pcm16', sampleRate: 16_000 });
    port.play('room-1', 'voice', { eventId: 'e1', audio: ref });
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(1));
    expect((backend.log[0] as { samples: Int16Array }).samples.length).toBe(4000);
  });

  it('stops playback when the caller talks over it, reports played ms, and drops the queued answers', async () => {
    const { port, audioStore, backend } = await activeSetup();
    port.play('room-1', 'voice', { eventId: 'e1', audio: await clipRef(audioStore, 3000) });
    port.play('room-1', 'voice', { eventId: 'e2', audio: await clipRef(audioStore, 1000) });
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(1));
    backend.push(concat(silence(400), tone(400)));
    expect(backend.log.at(-1)).toEqual({ type: 'cancel' });
    await vi.waitFor(() => expect(port.bargeIns).toHaveLength(1));
    const { playedMs, eventId } = port.bargeIns[0];
    expect(eventId).toBe('e1');
    // 400 ms of silence, then 200 ms of speech counted from its start.
    expect(playedMs).toBeGreaterThanOrEqual(600);
    expect(playedMs).toBeLessThanOrEqual(680);
    backend.handlers.onMark(backend.marks()[0]); // Twilio echoes the cleared mark
    backend.push(silence(700));
    await vi.waitFor(() => expect(port.utterances).toHaveLength(1));
    expect(backend.marks()).toHaveLength(1);
  });

  it('does not interrupt for speech shorter than the threshold', async () => {
    const { port, audioStore, backend } = await activeSetup({ bargeIn: { thresholdMs: 300 } });
    port.play('room-1', 'voice', { eventId: 'e1', audio: await clipRef(audioStore, 3000) });
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(1));
    backend.push(concat(silence(200), tone(200), silence(600)));
    expect(backend.log.some((e) => e.type === 'cancel')).toBe(false);
    expect(port.bargeIns).toHaveLength(0);
  });

  it('never interrupts with barge-in disabled', async () => {
    const { port, audioStore, backend } = await activeSetup({ bargeIn: false });
    port.play('room-1', 'voice', { eventId: 'e1', audio: await clipRef(audioStore, 3000) });
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(1));
    backend.push(concat(silence(200), tone(1000), silence(600)));
    await vi.waitFor(() => expect(port.utterances).toHaveLength(1));
    expect(backend.log.some((e) => e.type === 'cancel')).toBe(false);
    expect(port.bargeIns).toHaveLength(0);
  });

  it('takes a clip as played when its mark never comes back', async () => {
    const { port, audioStore, backend } = await activeSetup({ markGraceMs: 500 });
    port.play('room-1', 'voice', { eventId: 'e1', audio: await clipRef(audioStore, 300) });
    port.play('room-1', 'voice', { eventId: 'e2', audio: await clipRef(audioStore, 300) });
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(1));
    backend.push(silence(700));
    expect(backend.marks()).toHaveLength(1);
    backend.push(silence(200));
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(2));
  });

  it('reports a clip it cannot load and plays the next one', async () => {
    const { port, audioStore, backend, errors } = await activeSetup();
    port.play('room-1', 'voice', { eventId: 'gone', audio: { id: 'f'.repeat(32), format: { encoding: 'pcm16', sampleRate: 8000 }, durationMs: 100, bytes: 1600 } });
    port.play('room-1', 'voice', { eventId: 'e2', audio: await clipRef(audioStore, 200) });
    await vi.waitFor(() => expect(backend.marks()).toHaveLength(1));
    expect(backend.marks()[0]).toMatch(/^e2#/);
    expect(errors[0].message).toMatch(/could not play gone: audio not found/);
  });
});
