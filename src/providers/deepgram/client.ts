/**
 * The Deepgram pre-recorded wire (`POST /v1/listen`, `Authorization: Token <key>`), as pure
 * functions: how a clip travels (a WAV file as is, its container says the rest; raw PCM16 or μ-law
 * as `encoding` + `sample_rate` query parameters, which Deepgram requires for headerless audio)
 * and how `results.channels[0].alternatives[0]` becomes a {@link Transcript} (seconds → ms).
 */
import { z } from 'zod';
import type { AudioFormat } from '../../voice/audio.js';
import type { Transcript, TranscriptWord } from '../stt/base.js';
import { malformedVendorResponse } from '../voice-vendor.js';

export interface DeepgramUpload {
  contentType: string;
  /** `encoding` (linear16, mulaw) for raw audio; absent for a container. */
  encoding?: string;
  /** Query parameters the SDK has no typed field for (`sample_rate`, `channels`). */
  extraQuery: Record<string, string>;
}

/** How `format` is declared to Deepgram. */
export function deepgramUpload(format: AudioFormat): DeepgramUpload {
  switch (format.encoding) {
    case 'wav':
      return { contentType: 'audio/wav', extraQuery: {} };
    case 'pcm16':
      return { contentType: 'application/octet-stream', encoding: 'linear16', extraQuery: { sample_rate: String(format.sampleRate), channels: '1' } };
    case 'mulaw':
      return { contentType: 'application/octet-stream', encoding: 'mulaw', extraQuery: { sample_rate: String(format.sampleRate), channels: '1' } };
  }
}

const WordWire = z.object({
  word: z.string(),
  start: z.number(),
  end: z.number(),
  confidence: z.number().optional(),
  /** Present with `punctuate` / `smart_format`: the word as it appears in the transcript. */
  punctuated_word: z.string().optional(),
});
const ListenWire = z.object({
  results: z.object({
    channels: z.array(z.object({
      alternatives: z.array(z.object({
        transcript: z.string(),
        confidence: z.number().optional(),
        words: z.array(WordWire).optional(),
      })).min(1),
    })).min(1),
  }),
});

/** A `/v1/listen` 200 body → transcript; anything off-shape (a callback's `{ request_id }` too) is malformed. */
export function fromDeepgramResponse(raw: unknown): Transcript {
  const parsed = ListenWire.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
    throw malformedVendorResponse('deepgram', typeof raw === 'string' ? 'body is not JSON' : `unexpected shape at ${where}`);
  }
  const best = parsed.data.results.channels[0].alternatives[0];
  const text = best.transcript.trim();
  if (!text) return { text: '' };
  const words: TranscriptWord[] = (best.words ?? []).map((w) => ({
    word: w.punctuated_word ?? w.word,
    startMs: Math.round(w.start * 1000),
    endMs: Math.round(w.end * 1000),
    ...(w.confidence !== undefined && { confidence: clamp01(w.confidence) }),
  }));
  return {
    text,
    ...(best.confidence !== undefined && { confidence: clamp01(best.confidence) }),
    ...(words.length > 0 && { words }),
  };
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}
