/**
 * Speech-to-text contract. A provider turns one finished utterance into text; streaming recognition
 * (partials while the caller speaks) comes with the VoiceChannel.
 */
import { z } from 'zod';
import type { AudioFormat } from '../../voice/audio.js';

export const TranscribeOptionsSchema = z.object({
  /** BCP 47 language tag; a provider that has one model ignores it. */
  language: z.string().min(2).default('en-US'),
  /** Kill the recognition after this long (a provider's own default when absent). */
  timeoutMs: z.number().int().positive().optional(),
}).strict();

export type TranscribeOptions = z.input<typeof TranscribeOptionsSchema> & {
  /** Aborts the recognition (an activity's `cancellationSignal`). */
  signal?: AbortSignal;
};

/** One utterance to recognise: bytes and how to read them. */
export interface AudioInput {
  bytes: Uint8Array;
  format: AudioFormat;
}

export const TranscriptWord = z.object({
  word: z.string(),
  startMs: z.number().nonnegative(),
  endMs: z.number().nonnegative(),
  /** 0..1, the engine's own scale. */
  confidence: z.number().min(0).max(1).optional(),
});
export type TranscriptWord = z.infer<typeof TranscriptWord>;

/** What an utterance said. JSON only, so it can be an activity's result. */
export const Transcript = z.object({
  text: z.string(),
  confidence: z.number().min(0).max(1).optional(),
  words: z.array(TranscriptWord).optional(),
});
export type Transcript = z.infer<typeof Transcript>;

export interface STTProvider {
  readonly name: string;
  /** Empty text when nothing was recognised; throws only when recognition itself failed. */
  transcribe(audio: AudioInput, options?: TranscribeOptions): Promise<Transcript>;
  close?(): Promise<void>;
}

/** Options with defaults filled, the signal carried over (zod cannot hold one). */
export function resolveTranscribeOptions(options: TranscribeOptions = {}): z.output<typeof TranscribeOptionsSchema> & { signal?: AbortSignal } {
  const { signal, ...rest } = options;
  return { ...TranscribeOptionsSchema.parse(rest), ...(signal && { signal }) };
}
