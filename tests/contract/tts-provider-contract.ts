/**
 * The text-to-speech contract: one `describe` block every TTS provider passes, cloud or local.
 * Vendor providers run through their real SDKs against loopback fakes of the vendor's wire
 * (`fixture.wire`); espeak-ng and the mock have no wire, so the vendor-failure cases are not
 * registered for them.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVoiceActivities } from '../../activities/voice.js';
import { RoomKitValidationError } from '../../src/errors.js';
import { EngineAbortedError } from '../../src/providers/engine.js';
import type { TTSProvider } from '../../src/providers/tts/base.js';
import { InMemoryAudioStore } from '../../src/voice/audio-store.js';
import { audioDurationMs, parseWav, type AudioFormat } from '../../src/voice/audio.js';
import { VoiceVendorError } from '../../src/voice/errors.js';
import type { VoiceFakeReply } from '../support/voice-fakes/shared.js';

export interface TTSFixture {
  readonly provider: TTSProvider;
  /** The format every clip comes back in. */
  format: AudioFormat;
  /** Makes the next call slow enough to abort mid-way; `started` resolves once it is in flight. */
  slowNext(): { started: Promise<void>; text?: string };
  /** How an abort surfaces: the signal's own reason (SDK providers, mock) or the engine's error. */
  abortRejects: 'reason' | 'engine';
  reset(): void;
  wire?: {
    requestCount(): number;
    script(...replies: VoiceFakeReply[]): void;
    build(overrides: { apiKey?: string; origin?: string; timeoutMs?: number }): TTSProvider;
  };
  close(): Promise<void>;
}

const SENTENCE = 'Your order ships today.';

async function vendorFailure(promise: Promise<unknown>): Promise<VoiceVendorError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'the call should have failed with a VoiceVendorError').toBeInstanceOf(VoiceVendorError);
  return error as VoiceVendorError;
}

const inActivity = <R>(env: MockActivityEnvironment, fn: () => Promise<R>): Promise<R> => env.run(fn) as Promise<R>;

export function ttsProviderContract(name: string, makeFixture: () => Promise<TTSFixture>, options: { wire: boolean }): void {
  const wireIt = options.wire ? it : ((() => undefined) as unknown as typeof it);
  const wireDescribe = options.wire ? describe : ((() => undefined) as unknown as typeof describe);

  describe(`TTS provider contract: ${name}`, () => {
    let fx: TTSFixture;
    beforeAll(async () => {
      fx = await makeFixture();
    });
    afterAll(async () => {
      await fx?.close();
    });
    beforeEach(() => fx.reset());
    const wire = () => fx.wire!;

    describe('speech', () => {
      it('speaks a sentence in its declared format, as long as speech takes', async () => {
        const out = await fx.provider.synthesize(SENTENCE);
        expect(out.format).toEqual(fx.format);
        if (out.format.encoding === 'wav') expect(parseWav(out.bytes).sampleRate).toBe(out.format.sampleRate);
        const ms = audioDurationMs(out.bytes, out.format);
        expect(ms).toBeGreaterThan(500);
        expect(ms).toBeLessThan(10_000);
      });

      it('takes longer to say more', async () => {
        const short = await fx.provider.synthesize('Hello.');
        const long = await fx.provider.synthesize('Hello. Your order ships today and arrives on Thursday morning.');
        expect(audioDurationMs(long.bytes, long.format)).toBeGreaterThan(audioDurationMs(short.bytes, short.format) * 2);
      });

      it('refuses blank text as invalid input, before any engine or vendor runs', async () => {
        await expect(fx.provider.synthesize('   ')).rejects.toBeInstanceOf(RoomKitValidationError);
        if (fx.wire) expect(wire().requestCount()).toBe(0);
      });
    });

    describe('cancellation', () => {
      it('rejects at once when the signal is already aborted', async () => {
        const controller = new AbortController();
        const reason = new Error('activity cancelled');
        controller.abort(reason);
        const error = await fx.provider.synthesize(SENTENCE, { signal: controller.signal }).catch((e: unknown) => e);
        if (fx.abortRejects === 'reason') expect(error).toBe(reason);
        else expect(error).toBeInstanceOf(EngineAbortedError);
        if (fx.wire) expect(wire().requestCount()).toBe(0);
      });

      it('rejects within moments when the signal fires mid-call', async () => {
        const { started, text } = fx.slowNext();
        const controller = new AbortController();
        const reason = new Error('activity cancelled');
        const pending = fx.provider.synthesize(text ?? SENTENCE, { signal: controller.signal }).catch((e: unknown) => e);
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
        const error = await vendorFailure(wire().build({ apiKey: secret }).synthesize(SENTENCE));
        expect(error).toMatchObject({ name: 'VoiceVendorError', vendor: fx.provider.name, status: 401, permanent: true, kind: 'http' });
        expect(error.message).not.toContain(secret);
      });

      wireIt('a 400 is permanent and carries the vendor\'s message', async () => {
        wire().script({ kind: 'error', status: 400, message: 'scripted bad request' });
        const error = await vendorFailure(fx.provider.synthesize(SENTENCE));
        expect(error).toMatchObject({ status: 400, permanent: true });
        expect(error.message).toContain('scripted bad request');
      });

      wireIt('a 429 is retryable, with Retry-After as retryAfterMs, after one request only', async () => {
        wire().script({ kind: 'error', status: 429, retryAfter: '7' });
        expect(await vendorFailure(fx.provider.synthesize(SENTENCE))).toMatchObject({ status: 429, permanent: false, retryAfterMs: 7000 });
        expect(wire().requestCount()).toBe(1);
      });

      wireIt('a 500 is retryable, after one request only', async () => {
        wire().script({ kind: 'error', status: 500 });
        expect(await vendorFailure(fx.provider.synthesize(SENTENCE))).toMatchObject({ status: 500, permanent: false });
        expect(wire().requestCount()).toBe(1);
      });

      wireIt('a refused connection is retryable', async () => {
        const error = await vendorFailure(wire().build({ origin: 'http://127.0.0.1:9' }).synthesize(SENTENCE));
        expect(error).toMatchObject({ kind: 'connection', permanent: false, status: undefined });
      });

      wireIt('its own deadline is a retryable timeout', async () => {
        wire().script({ kind: 'hang' });
        const error = await vendorFailure(fx.provider.synthesize(SENTENCE, { timeoutMs: 300 }));
        expect(error).toMatchObject({ kind: 'timeout', permanent: false });
      });

      wireIt('a 200 that is JSON or empty instead of audio is permanent', async () => {
        wire().script({ kind: 'malformed', body: '{"nonsense": true}' }, { kind: 'malformed', body: '' });
        expect(await vendorFailure(fx.provider.synthesize(SENTENCE))).toMatchObject({ kind: 'malformed', permanent: true });
        expect(await vendorFailure(fx.provider.synthesize(SENTENCE))).toMatchObject({ kind: 'malformed', permanent: true });
      });
    });

    describe('as a voice activity', () => {
      it('synthesize stores the clip converted for a phone line and returns only its ref', async () => {
        const store = new InMemoryAudioStore();
        const acts = createVoiceActivities({ tts: fx.provider, audioStore: store });
        const phone: AudioFormat = { encoding: 'mulaw', sampleRate: 8000 };
        const ref = await inActivity(new MockActivityEnvironment(), () => acts.synthesize({ text: SENTENCE, format: phone }));
        expect(ref).toMatchObject({ format: phone, bytes: expect.any(Number) });
        expect(ref.durationMs).toBeGreaterThan(500);
        expect((await store.get(ref)).byteLength).toBe(ref.bytes);
      });

      wireIt('a permanent vendor error becomes a non-retryable VoiceVendorError failure', async () => {
        const acts = createVoiceActivities({ tts: wire().build({ apiKey: 'not-the-key-1234' }), audioStore: new InMemoryAudioStore() });
        const failure = await inActivity(new MockActivityEnvironment(), () => acts.synthesize({ text: SENTENCE })).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure).toMatchObject({ type: 'VoiceVendorError', nonRetryable: true });
      });

      wireIt('an outage becomes a retryable failure', async () => {
        wire().script({ kind: 'error', status: 503 });
        const acts = createVoiceActivities({ tts: fx.provider, audioStore: new InMemoryAudioStore() });
        const failure = await inActivity(new MockActivityEnvironment(), () => acts.synthesize({ text: SENTENCE })).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(ApplicationFailure);
        expect(failure).toMatchObject({ type: 'VoiceVendorError', nonRetryable: false });
      });
    });
  });
}
