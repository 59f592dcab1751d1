/**
 * Speech-to-text with OpenAI's transcription endpoint through the `openai` SDK:
 * `client.audio.transcriptions.create({ file, model, language, response_format,
 * timestamp_granularities? }, { signal, maxRetries: 0 })` — a multipart `POST
 * /v1/audio/transcriptions`. OpenAI takes container files only, so raw PCM16 and μ-law go up as
 * a WAV at their own rate.
 *
 * Keys and configuration: pass `apiKey` (the worker's entry point reads `OPENAI_API_KEY`; this
 * provider never reads the environment), `model` (default `gpt-4o-mini-transcribe`; `whisper-1`
 * for word timings), `baseURL` (an OpenAI-compatible server or a test fake) and `timeoutMs`.
 * Runs inside an activity: SDK retries are off and every failure leaves as a `VoiceVendorError`
 * whose `permanent` decides Temporal's retry.
 *
 * @example
 * const stt = createOpenAISTTProvider({ apiKey: config.openaiApiKey, model: 'whisper-1' });
 * const { text, words } = await stt.transcribe({ bytes: wav, format: { encoding: 'wav', sampleRate: 16000 } });
 */
import type OpenAI from 'openai';
import { z } from 'zod';
import { decodeAudio, writeWav } from '../../voice/audio.js';
import { resolveTranscribeOptions, type AudioInput, type STTProvider, type TranscribeOptions, type Transcript } from '../stt/base.js';
import { malformedVendorResponse, primaryLanguage, vendorCall } from '../voice-vendor.js';
import { parseOpenAITranscriptionConfig, type OpenAITranscriptionConfig, type OpenAITranscriptionConfigInput } from './audio-config.js';
import { openAIAudioFacts } from './audio-errors.js';
import { loadOpenAIClient } from './sdk.js';

export class OpenAISTTProvider implements STTProvider {
  readonly name = 'openai';
  readonly config: OpenAITranscriptionConfig;
  private client?: Promise<OpenAI>;

  constructor(config: OpenAITranscriptionConfigInput) {
    this.config = parseOpenAITranscriptionConfig(config);
  }

  async transcribe(audio: AudioInput, options: TranscribeOptions = {}): Promise<Transcript> {
    const opts = resolveTranscribeOptions(options);
    opts.signal?.throwIfAborted();
    const pcm = decodeAudio(audio.bytes, audio.format);
    // No samples, nothing said (OpenAI refuses clips under 0.1 s with a 400).
    if (pcm.samples.length === 0) return { text: '' };
    const wav = audio.format.encoding === 'wav' ? audio.bytes : writeWav(pcm.samples, pcm.sampleRate);
    const timeoutMs = opts.timeoutMs ?? this.config.timeoutMs;
    const verbose = this.config.responseFormat === 'verbose_json';
    const { toFile } = await import('openai');
    const sdk = await this.sdk();
    const raw = await vendorCall({
      vendor: this.name,
      timeoutMs,
      secrets: [this.config.apiKey],
      ...(opts.signal && { signal: opts.signal }),
      factsOf: openAIAudioFacts,
    }, async (signal) => sdk.audio.transcriptions.create({
      file: await toFile(wav, 'audio.wav', { type: 'audio/wav' }),
      model: this.config.model,
      language: primaryLanguage(opts.language),
      response_format: this.config.responseFormat,
      ...(verbose && { timestamp_granularities: ['word' as const] }),
    }, { signal, timeout: timeoutMs, maxRetries: 0 }));
    return fromOpenAITranscription(raw);
  }

  private sdk(): Promise<OpenAI> {
    this.client ??= loadOpenAIClient(this.config);
    return this.client;
  }
}

const TranscriptionWire = z.object({
  text: z.string(),
  /** `verbose_json` with `timestamp_granularities[]=word`: seconds. */
  words: z.array(z.object({ word: z.string(), start: z.number(), end: z.number() })).optional(),
});

/** A `json` or `verbose_json` transcription body → transcript (seconds → ms; OpenAI gives no confidence). */
export function fromOpenAITranscription(raw: unknown): Transcript {
  const parsed = TranscriptionWire.safeParse(raw);
  if (!parsed.success) throw malformedVendorResponse('openai', typeof raw === 'string' ? 'body is not JSON' : 'no `text` in the transcription');
  const text = parsed.data.text.trim();
  if (!text) return { text: '' };
  const words = (parsed.data.words ?? []).map((w) => ({ word: w.word, startMs: Math.round(w.start * 1000), endMs: Math.round(w.end * 1000) }));
  return { text, ...(words.length > 0 && { words }) };
}

/**
 * @example
 * const stt = createOpenAISTTProvider({ apiKey: config.openaiApiKey });
 */
export function createOpenAISTTProvider(config: OpenAITranscriptionConfigInput): OpenAISTTProvider {
  return new OpenAISTTProvider(config);
}
