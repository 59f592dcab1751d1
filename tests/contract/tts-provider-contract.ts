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
import type { TTSProvider } from '../../src/providers/tts/base.js';
import { InMemoryAudioStore } from '../../src/voice/audio-store.js';
import { audioDurationMs, parseWav, type AudioFormat } from '../../src/voice/audio.js';
import type { VoiceFakeReply } from '../support/voice-fakes/shared.js';
import {
  inActivity, type SpeechCalls, speechCancellationCases, speechVendorFailureCases, vendorFailure, wireOnly,
} from './speech-contract.js';

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

export function ttsProviderContract(name: string, makeFixture: () => Promise<TTSFixture>, options: { wire: boolean }): void {
  const { wireIt, wireDescribe } = wireOnly(options.wire);

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
    const calls = (): SpeechCalls => ({
      providerName: fx.provider.name,
      abortRejects: fx.abortRejects,
      call: (o) => fx.provider.synthesize(SENTENCE, o),
      slowCall: (signal) => {
        const { started, text } = fx.slowNext();
        return { started, pending: fx.provider.synthesize(text ?? SENTENCE, { signal }) };
      },
      ...(fx.wire && {
        wire: { requestCount: () => wire().requestCount(), script: (...r) => wire().script(...r), callWith: (o) => wire().build(o).synthesize(SENTENCE) },
      }),
    });

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

    speechCancellationCases(calls);

    wireDescribe('vendor failures', () => {
      speechVendorFailureCases(calls, wireIt);

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
