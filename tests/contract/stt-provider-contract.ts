/**
 * The speech-to-text contract: one `describe` block every STT provider passes, cloud or local.
 * Vendor providers run through their real SDKs against loopback fakes of the vendor's wire
 * (`fixture.wire`); local engines and the mock have no wire, so the vendor-failure cases are not
 * registered for them (rather than reported skipped). Speech comes from espeak-ng, so a local
 * recogniser has something real to hear.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceActivities } from '../../activities/voice.js';
import { EngineAbortedError } from '../../src/providers/engine.js';
import { createEspeakProvider } from '../../src/providers/espeak/index.js';
import type { AudioInput, STTProvider } from '../../src/providers/stt/base.js';
import { InMemoryAudioStore } from '../../src/voice/audio-store.js';
import { audioDurationMs, convertAudio, type AudioFormat } from '../../src/voice/audio.js';
import { VoiceVendorError } from '../../src/voice/errors.js';
import type { VoiceFakeReply } from '../support/voice-fakes/shared.js';

export interface STTFixture {
  readonly provider: STTProvider;
  /**
   * Makes the next call slow enough to abort mid-way (a hanging vendor, a delayed mock, a long
   * clip for an engine); `started` resolves once the call is in flight.
   */
  slowNext(): { started: Promise<void>; audio?: AudioInput };
  /** How an abort surfaces: the signal's own reason (SDK providers, mock) or the engine's error. */
  abortRejects: 'reason' | 'engine';
  /** Undo `slowNext` and any script; the fake vendor forgets its requests. */
  reset(): void;
  /** A vendor behind a wire; absent for local engines and the mock. */
  wire?: {
    requestCount(): number;
    script(...replies: VoiceFakeReply[]): void;
    /** The same provider class with another key, origin or timeout. */
    build(overrides: { apiKey?: string; origin?: string; timeoutMs?: number }): STTProvider;
  };
  close(): Promise<void>;
}

const PHONE: AudioFormat = { encoding: 'mulaw', sampleRate: 8000 };
const PCM16K: AudioFormat = { encoding: 'pcm16', sampleRate: 16000 };

/** "where is my order please" as espeak-ng says it, once per file. */
export async function speechClip(): Promise<AudioInput> {
  const spoken = await createEspeakProvider().synthesize('where is my order please');
  return { bytes: spoken.bytes, format: spoken.format };
}

const words = (text: string) => text.toLowerCase().replace(/[^a-z\s]/g, '').split(/\s+/).filter(Boolean);

async function vendorFailure(promise: Promise<unknown>): Promise<VoiceVendorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'the call should have failed with a VoiceVendorError').toBeInstanceOf(VoiceVendorError);
  return error as VoiceVendorError;
}

const inActivity = <R>(env: MockActivityEnvironment, fn: () => Promise<R>): Promise<R> => env.run(fn) as Promise<R>;

export function sttProviderContract(name: string, makeFixture: () => Promise<STTFixture>, options: { wire: boolean }): void {
  // Known before the fixture exists: vendor-only cases are registered only for vendor providers.
  const wireIt = options.wire ? it : ((() => undefined) as unknown as typeof it);
  const wireDescribe = options.wire ? describe : ((() => undefined) as unknown as typeof describe);

  describe(`STT provider contract: ${name}`, () => {
    let fx: STTFixture;
    let speech: AudioInput;
    beforeAll(async () => {
      [fx, speech] = await Promise.all([makeFixture(), speechClip()]);
    });
    afterAll(async () => {
      await fx?.close();
    });
    beforeEach(() => fx.reset());
    const wire = () => fx.wire!;

    describe('recognition', () => {
      it('hears the words of a WAV clip', async () => {
        const t = await fx.provider.transcribe(speech);
        expect(words(t.text)).toContain('order');
        if (t.confidence !== undefined) expect(t.confidence).toBeGreaterThan(0);
      });

      it('hears raw 16 kHz PCM16', async () => {
        const bytes = convertAudio(speech.bytes, speech.format, PCM16K);
        expect(words((await fx.provider.transcribe({ bytes, format: PCM16K })).text)).toContain('order');
      });

      it('hears 8 kHz μ-law from a phone line', async () => {
        const bytes = convertAudio(speech.bytes, speech.format, PHONE);
        expect(words((await fx.provider.transcribe({ bytes, format: PHONE })).text)).toContain('order');
      });

      it('gives word timings in milliseconds inside the clip', async () => {
        const t = await fx.provider.transcribe(speech);
        const clipMs = audioDurationMs(speech.bytes, speech.format);
        for (const w of t.words ?? []) {
          expect(w.endMs).toBeGreaterThanOrEqual(w.startMs);
          expect(w.endMs).toBeLessThanOrEqual(clipMs + 50);
        }
        // Seconds mistaken for ms would put every word in the first few milliseconds.
        if (t.words?.length) expect(t.words.at(-1)!.endMs).toBeGreaterThan(clipMs / 2);
      });

      it('returns { text: "" } for silence, not an error', async () => {
        const silence = new Uint8Array(16000).fill(0xff); // 2 s of μ-law silence
        const t = await fx.provider.transcribe({ bytes: silence, format: PHONE });
        expect(t.text).toBe('');
        expect(t.words ?? []).toEqual([]);
      });

      it('returns { text: "" } for a clip with no samples, without calling a vendor', async () => {
        expect((await fx.provider.transcribe({ bytes: new Uint8Array(0), format: PCM16K })).text).toBe('');
        if (fx.wire) expect(wire().requestCount()).toBe(0);
      });
    });

    describe('cancellation', () => {
      it('rejects at once when the signal is already aborted', async () => {
        const controller = new AbortController();
        const reason = new Error('activity cancelled');
        controller.abort(reason);
        const error = await fx.provider.transcribe(speech, { signal: controller.signal }).catch((e: unknown) => e);
        if (fx.abortRejects === 'reason') expect(error).toBe(reason);
        else expect(error).toBeInstanceOf(EngineAbortedError);
        if (fx.wire) expect(wire().requestCount()).toBe(0);
      });

      it('rejects within moments when the signal fires mid-call', async () => {
        const { started, audio } = fx.slowNext();
        const controller = new AbortController();
        const reason = new Error('activity cancelled');
        const pending = fx.provider.transcribe(audio ?? speech, { signal: controller.signal }).catch((e: unknown) => e);
        await started;
        const at = Date.now();
        controller.abort(reason);
        const error = await pending;
        expect(Date.now() - at).toBeLessThan(2_000);
        if (fx.abortRejects === 'reason') expect(error).toBe(reason);
        else expect(error).toBeInstanceOf(EngineAbortedError);
      });
    });

    wireDescribe('vendor failures', () => {
      wireIt('a wrong key is a permanent 401, and the key is not in the message', async () => {
        const secret = 'wrong-but-secret-key-424242';
        const error = await vendorFailure(wire().build({ apiKey: secret }).transcribe(speech));
        expect(error).toMatchObject({ name: 'VoiceVendorError', vendor: fx.provider.name, status: 401, permanent: true, kind: 'http' });
        expect(error.message).not.toContain(secret);
      });

      wireIt('a 400 is permanent and carries the vendor\'s message', async () => {
        wire().script({ kind: 'error', status: 400, message: 'scripted bad request' });
        const error = await vendorFailure(fx.provider.transcribe(speech));
        expect(error).toMatchObject({ status: 400, permanent: true });
        expect(error.message).toContain('scripted bad request');
      });

      wireIt('a 429 is retryable, with Retry-After as retryAfterMs, after one request only', async () => {
        wire().script({ kind: 'error', status: 429, retryAfter: '7' });
        expect(await vendorFailure(fx.provider.transcribe(speech))).toMatchObject({ status: 429, permanent: false, retryAfterMs: 7000 });
        expect(wire().requestCount()).toBe(1);
      });

      wireIt('a 500 is retryable, after one request only', async () => {
        wire().script({ kind: 'error', status: 500 });
        expect(await vendorFailure(fx.provider.transcribe(speech))).toMatchObject({ status: 500, permanent: false });
        expect(wire().requestCount()).toBe(1);
      });

      wireIt('a refused connection is retryable', async () => {
        const error = await vendorFailure(wire().build({ origin: 'http://127.0.0.1:9' }).transcribe(speech));
        expect(error).toMatchObject({ kind: 'connection', permanent: false, status: undefined });
      });

      wireIt('its own deadline is a retryable timeout', async () => {
        wire().script({ kind: 'hang' });
        const error = await vendorFailure(fx.provider.transcribe(speech, { timeoutMs: 300 }));
        expect(error).toMatchObject({ kind: 'timeout', permanent: false });
      });

      wireIt('a 200 with an undocumented body is permanent', async () => {
        wire().script({ kind: 'malformed', body: '{"nonsense": true}' });
        expect(await vendorFailure(fx.provider.transcribe(speech))).toMatchObject({ kind: 'malformed', permanent: true });
      });
    });

    describe('as a voice activity', () => {
      it('transcribe reads the clip by ref and returns the text', async () => {
        const store = new InMemoryAudioStore();
        const ref = await store.put(speech.bytes, speech.format);
        const acts = createVoiceActivities({ stt: fx.provider, audioStore: store });
        const out = await inActivity(new MockActivityEnvironment(), () => acts.transcribe({ audio: ref }));
        expect(words(out.text)).toContain('order');
        expect(out.audio).toEqual(ref);
      });

      wireIt('a permanent vendor error becomes a non-retryable VoiceVendorError failure', async () => {
        const store = new InMemoryAudioStore();
        const ref = await store.put(speech.bytes, speech.format);
        const acts = createVoiceActivities({ stt: wire().build({ apiKey: 'not-the-key-1234' }), audioStore: store });
        const failure = await inActivity(new MockActivityEnvironment(), () => acts.transcribe({ audio: ref })).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure).toMatchObject({ type: 'VoiceVendorError', nonRetryable: true });
      });

      wireIt('a throttled vendor becomes a retryable failure that waits for Retry-After', async () => {
        const store = new InMemoryAudioStore();
        const ref = await store.put(speech.bytes, speech.format);
        wire().script({ kind: 'error', status: 429, retryAfter: '3' });
        const acts = createVoiceActivities({ stt: fx.provider, audioStore: store });
        const failure = await inActivity(new MockActivityEnvironment(), () => acts.transcribe({ audio: ref })).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure).toMatchObject({ type: 'VoiceVendorError', nonRetryable: false, nextRetryDelay: 3000 });
      });
    });
  });
}
