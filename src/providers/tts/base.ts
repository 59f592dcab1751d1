/** Text-to-speech contract: one text in, one clip out (streamed synthesis comes with the VoiceChannel). */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';
import type { AudioFormat } from '../../voice/audio.js';

export const SynthesizeOptionsSchema = z.object({
  /** Provider-specific voice name (`en-us`, `en-us+f3` for espeak-ng); the provider's default when absent. */
  voice: z.string().min(1).max(64).optional(),
  /** Words per minute; the provider's default when absent. */
  speed: z.number().int().min(40).max(600).optional(),
  timeoutMs: z.number().int().positive().optional(),
}).strict();

export type SynthesizeOptions = z.input<typeof SynthesizeOptionsSchema> & {
  /** Aborts synthesis (an activity's `cancellationSignal`). */
  signal?: AbortSignal;
};

/** The spoken text as audio. */
export interface SynthesizedAudio {
  bytes: Uint8Array;
  format: AudioFormat;
}

export interface TTSProvider {
  readonly name: string;
  synthesize(text: string, options?: SynthesizeOptions): Promise<SynthesizedAudio>;
  close?(): Promise<void>;
}

/** Options with defaults filled, the signal carried over (zod cannot hold one). */
export function resolveSynthesizeOptions(options: SynthesizeOptions = {}): z.output<typeof SynthesizeOptionsSchema> & { signal?: AbortSignal } {
  const { signal, ...rest } = options;
  return { ...SynthesizeOptionsSchema.parse(rest), ...(signal && { signal }) };
}

/**
 * Refuses text no engine should be asked to speak: blank (nothing to say, and vendors answer 400
 * for it) or longer than `maxLength`. Called before any process or request starts.
 */
export function checkTextToSpeak(text: string, maxLength: number): void {
  if (!text.trim()) throw new RoomKitValidationError('text to speak', [{ code: 'custom', path: [], message: 'must not be blank', input: text }]);
  if (text.length > maxLength) {
    throw new RoomKitValidationError('text to speak', [{ code: 'custom', path: [], message: `longer than ${maxLength} characters`, input: text.length }]);
  }
}
