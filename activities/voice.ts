/**
 * Speech as durable steps, thin over `src/voice` and the STT/TTS providers. Audio crosses the
 * activity boundary only as an `AudioRef` (the bytes stay in the `AudioStore`), so a clip never
 * enters workflow history. Both activities heartbeat while the engine runs, so a dead worker is
 * noticed within the heartbeat timeout, and a cancellation (delivered with a heartbeat) aborts the
 * engine: a local engine's child process is killed.
 *
 * The kit's `voice` option registers them on its worker for its rooms (`kitVoiceActivities`, through
 * `createActivities`). To run them elsewhere, on a worker of your own (`roomkit-temporal/voice`
 * exports the factory). Cloud vendors (`createDeepgramProvider`, `createElevenLabsProvider`,
 * `createOpenAISTTProvider`, `createOpenAITTSProvider`) plug in the same way; their `VoiceVendorError`
 * carries the retry decision (`permanent`), which becomes the failure's `nonRetryable`:
 *
 * @example
 * const voice = createVoiceActivities({
 *   tts: createEspeakProvider(), stt: createPocketsphinxProvider(), audioStore: new FileAudioStore('/var/lib/roomkit/audio'),
 * });
 * await Worker.create({ connection, taskQueue: 'voice', activities: voice });
 * // in a workflow: proxyActivities<VoiceActivities>({ taskQueue: 'voice', startToCloseTimeout: '2 minutes',
 * //   heartbeatTimeout: '10 seconds', retry: { maximumAttempts: 3 } })
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { RoomKitValidationError } from '../src/errors.js';
import { EngineError, EngineNotInstalledError, EngineOutputTooLargeError } from '../src/providers/engine.js';
import type { STTProvider, Transcript } from '../src/providers/stt/base.js';
import type { TTSProvider } from '../src/providers/tts/base.js';
import { AudioFormat, convertAudio } from '../src/voice/audio.js';
import { AudioRef, type AudioStore } from '../src/voice/audio-store.js';
import { AudioFormatError, AudioNotFoundError, InvalidAudioRefError, VoiceVendorError } from '../src/voice/errors.js';

export interface VoiceDeps {
  audioStore: AudioStore;
  /** Absent ⇒ `transcribe` fails (retryably: another worker on the queue may have one). */
  stt?: STTProvider;
  /** Absent ⇒ `synthesize` fails (retryably, as above). */
  tts?: TTSProvider;
  /** Heartbeat period while an engine runs; default 1 s (keep it well under the heartbeat timeout). */
  heartbeatMs?: number;
}

export interface SynthesizeInput {
  text: string;
  voice?: string;
  /** Words per minute. */
  speed?: number;
  /** Store the clip converted to this format (8 kHz μ-law for a phone call); absent ⇒ as the engine made it. */
  format?: AudioFormat;
}

export interface TranscribeInput {
  audio: AudioRef;
  language?: string;
}

/** The result of a transcription, with the clip it came from. */
export interface TranscribeOutput extends Transcript {
  audio: AudioRef;
}

/** Errors that no retry can fix: bad input, or output the engine will make again. */
const PERMANENT = [RoomKitValidationError, AudioFormatError, InvalidAudioRefError, EngineOutputTooLargeError];

export function createVoiceActivities(deps: VoiceDeps) {
  const heartbeatMs = deps.heartbeatMs ?? 1000;
  return {
    /** Speaks `text` and stores the clip; returns its ref. */
    async synthesize(input: SynthesizeInput): Promise<AudioRef> {
      const tts = deps.tts;
      if (!tts) throw ApplicationFailure.retryable('no TTS provider on this worker', 'VoiceNotConfiguredError');
      return engineStep(heartbeatMs, async (signal) => {
        const out = await tts.synthesize(input.text, {
          ...(input.voice && { voice: input.voice }),
          ...(input.speed && { speed: input.speed }),
          signal,
        });
        // The format comes from a binding's metadata, so it is checked here rather than in the room.
        const format = input.format && AudioFormat.safeParse(input.format);
        if (format && !format.success) throw new RoomKitValidationError('audio format', format.error.issues, ['format']);
        const bytes = format ? convertAudio(out.bytes, out.format, format.data) : out.bytes;
        return deps.audioStore.put(bytes, format ? format.data : out.format);
      });
    },

    /** Reads the clip from the store and recognises it. */
    async transcribe(input: TranscribeInput): Promise<TranscribeOutput> {
      const stt = deps.stt;
      if (!stt) throw ApplicationFailure.retryable('no STT provider on this worker', 'VoiceNotConfiguredError');
      return engineStep(heartbeatMs, async (signal) => {
        const parsed = AudioRef.safeParse(input.audio);
        if (!parsed.success) throw new RoomKitValidationError('audio ref', parsed.error.issues, ['audio']);
        const audio = parsed.data;
        const bytes = await deps.audioStore.get(audio);
        const transcript = await stt.transcribe({ bytes, format: audio.format }, { ...(input.language && { language: input.language }), signal });
        return { ...transcript, audio };
      });
    },
  };
}

export type VoiceActivities = ReturnType<typeof createVoiceActivities>;

/** The kit's `voice` option: the activities' deps plus the defaults its rooms speak and hear with. */
export interface KitVoiceDeps extends VoiceDeps {
  /** Recogniser language when an utterance names none (BCP 47). */
  language?: string;
  /** TTS voice when a voice binding names none (`metadata.voice`). */
  voiceName?: string;
}

/**
 * The voice activities a kit's worker registers for its rooms: `synthesize` and `transcribe` with
 * the kit's defaults filled in. Absent ⇒ none (the worker's manifest tells its rooms so).
 */
export function kitVoiceActivities(deps: KitVoiceDeps | undefined): VoiceActivities | Record<never, never> {
  if (!deps) return {};
  const voice = createVoiceActivities(deps);
  return {
    synthesize: (input: SynthesizeInput) => voice.synthesize({ ...input, ...(!input.voice && deps.voiceName && { voice: deps.voiceName }) }),
    transcribe: (input: TranscribeInput) => voice.transcribe({ ...input, ...(!input.language && deps.language && { language: deps.language }) }),
  };
}

/**
 * Runs `work` with the activity's cancellation signal, heartbeating every `heartbeatMs`; maps
 * failures to what Temporal should do with them.
 */
async function engineStep<T>(heartbeatMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat();
  const timer = setInterval(() => ctx.heartbeat(), heartbeatMs);
  try {
    return await work(ctx.cancellationSignal);
  } catch (err) {
    // Cancelled: report the SDK's CancelledFailure, not the engine's "killed" error.
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
    throw toFailure(err);
  } finally {
    clearInterval(timer);
  }
}

function toFailure(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  if (PERMANENT.some((type) => err instanceof type)) return ApplicationFailure.nonRetryable(err.message, err.name);
  // A vendor's answer carries its own decision: a bad key or request fails the same way on every
  // attempt; throttling and outages retry, after the vendor's Retry-After when it sent one.
  if (err instanceof VoiceVendorError) {
    return ApplicationFailure.create({
      message: err.message,
      type: err.name,
      nonRetryable: err.permanent,
      details: [{ vendor: err.vendor, kind: err.kind, status: err.status ?? null, vendorCode: err.vendorCode ?? null }],
      ...(!err.permanent && err.retryAfterMs !== undefined && err.retryAfterMs > 0 && { nextRetryDelay: err.retryAfterMs }),
    });
  }
  // Retryable: another worker may have the binary or the clip (a FileAudioStore is per machine), a
  // failed or slow run may pass next time. Add these names to `nonRetryableErrorTypes` for a
  // uniform fleet on shared storage.
  if (err instanceof EngineNotInstalledError || err instanceof AudioNotFoundError || err instanceof EngineError) {
    return ApplicationFailure.retryable(err.message, err.name);
  }
  return err;
}
