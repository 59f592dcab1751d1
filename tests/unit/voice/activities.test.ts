import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createVoiceActivities } from '../../../activities/voice.js';
import { MockSTTProvider } from '../../../src/providers/stt/mock.js';
import { MockTTSProvider } from '../../../src/providers/tts/mock.js';
import { InMemoryAudioStore } from '../../../src/voice/audio-store.js';

const inActivity = <R>(env: MockActivityEnvironment, fn: () => Promise<R>): Promise<R> => env.run(fn) as Promise<R>;

describe('voice activities', () => {
  it('synthesize converts to the asked format and returns only a ref', async () => {
    const store = new InMemoryAudioStore();
    const acts = createVoiceActivities({ tts: new MockTTSProvider(), audioStore: store });
    const ref = await inActivity(new MockActivityEnvironment(), () => acts.synthesize({ text: 'hello there', format: { encoding: 'mulaw', sampleRate: 8000 } }));
    expect(ref).toEqual({ id: expect.stringMatching(/^[0-9a-f]{32}$/), format: { encoding: 'mulaw', sampleRate: 8000 }, durationMs: 660, bytes: 5280 });
    expect((await store.get(ref)).byteLength).toBe(5280);
  });

  it('transcribe hands the stored bytes and their format to the provider', async () => {
    const store = new InMemoryAudioStore();
    const stt = new MockSTTProvider({ transcript: { text: 'where is my order', confidence: 0.9 } });
    const acts = createVoiceActivities({ stt, audioStore: store });
    const ref = await store.put(new Uint8Array(800).fill(0xff), { encoding: 'mulaw', sampleRate: 8000 });
    const out = await inActivity(new MockActivityEnvironment(), () => acts.transcribe({ audio: ref, language: 'en-GB' }));
    expect(out).toEqual({ text: 'where is my order', confidence: 0.9, audio: ref });
    expect(stt.calls[0].audio.format).toEqual({ encoding: 'mulaw', sampleRate: 8000 });
    expect(stt.calls[0].options.language).toBe('en-GB');
  });

  it('fails permanently on a forged ref and retryably on a missing clip or provider', async () => {
    const acts = createVoiceActivities({ stt: new MockSTTProvider(), audioStore: new InMemoryAudioStore() });
    const env = new MockActivityEnvironment();
    const format = { encoding: 'mulaw', sampleRate: 8000 } as const;
    const forged = await inActivity(env, () => acts.transcribe({ audio: { id: '../../etc/passwd', format, durationMs: 1, bytes: 1 } })).catch((e) => e);
    expect(forged).toBeInstanceOf(ApplicationFailure);
    expect(forged).toMatchObject({ type: 'InvalidAudioRefError', nonRetryable: true });
    const gone = await inActivity(env, () => acts.transcribe({ audio: { id: 'a'.repeat(32), format, durationMs: 1, bytes: 1 } })).catch((e) => e);
    expect(gone).toMatchObject({ type: 'AudioNotFoundError', nonRetryable: false });
    const noTts = await inActivity(env, () => acts.synthesize({ text: 'hi' })).catch((e) => e);
    expect(noTts).toMatchObject({ type: 'VoiceNotConfiguredError', nonRetryable: false });
  });

  it('heartbeats while the provider works and reports a cancellation as cancelled', async () => {
    const acts = createVoiceActivities({ tts: new MockTTSProvider({ delayMs: 10_000 }), audioStore: new InMemoryAudioStore(), heartbeatMs: 20 });
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => { if (++beats === 3) env.cancel(); });
    const err = await inActivity(env, () => acts.synthesize({ text: 'hello' })).catch((e) => e);
    expect(err).toBeInstanceOf(CancelledFailure);
    expect(beats).toBe(3);
  });
});
