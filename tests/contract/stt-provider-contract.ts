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
import { createEspeakProvider } from '../../src/providers/espeak/index.js';
import type { AudioInput, STTProvider } from '../../src/providers/stt/base.js';
import { InMemoryAudioStore } from '../../src/voice/audio-store.js';
import { audioDurationMs, convertAudio, type AudioFormat } from '../../src/voice/audio.js';
import type { VoiceFakeReply } from '../support/voice-fakes/shared.js';
import {
  inActivity, type SpeechCalls, speechCancellationCases, speechVendorFailureCases, vendorFailure, wireOnly,
} from './speech-contract.js';

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

export function sttProviderContract(name: string, makeFixture: () => Promise<STTFixture>, options: { wire: boolean }): void {
  // Known before the fixture exists: vendor-only cases are registered only for vendor providers.
  const { wireIt, wireDescribe } = wireOnly(options.wire);

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
    const calls = (): SpeechCalls => ({
      providerName: fx.provider.name,
      abortRejects: fx.abortRejects,
      call: (o) => fx.provider.transcribe(speech, o),
      slowCall: (signal) => {
        const { started, audio } = fx.slowNext();
        return { started, pending: fx.provider.transcribe(audio ?? speech, { signal }) };
      },
      ...(fx.wire && {
        wire: { requestCount: () => wire().requestCount(), script: (...r) => wire().script(...r), callWith: (o) => wire().build(o).transcribe(speech) },
      }),
    });

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

    speechCancellationCases(calls);

    wireDescribe('vendor failures', () => {
      speechVendorFailureCases(calls, wireIt);

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
