/**
 * Deepgram provider configuration, parsed once (zod) where the provider is built. The key comes
 * from the caller (the worker's entry point reads `DEEPGRAM_API_KEY`); the SDK would otherwise
 * fall back to that variable itself, which library code must not depend on.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const DeepgramConfigSchema = z.object({
  apiKey: z.string().min(1),
  /** `nova-3` for general audio; `nova-2-phonecall` suits 8 kHz telephone audio. */
  model: z.string().min(1).default('nova-3'),
  /** Origin of the API (a self-hosted Deepgram, or a test fake); the SDK appends `/v1/listen`. */
  baseUrl: z.url().default('https://api.deepgram.com'),
  /** Punctuation and capitalisation in the transcript. */
  punctuate: z.boolean().default(true),
  /** Numbers, dates and currency formatted (`smart_format`). */
  smartFormat: z.boolean().default(false),
  /** Deadline for one transcription, body included; keep it below the activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(60_000),
}).strict();

export type DeepgramConfig = z.output<typeof DeepgramConfigSchema>;
export type DeepgramConfigInput = z.input<typeof DeepgramConfigSchema>;

/** Validates and fills defaults; the error names the field, never the key's value. */
export function parseDeepgramConfig(input: DeepgramConfigInput): DeepgramConfig {
  const parsed = DeepgramConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Deepgram provider config', parsed.error.issues);
  return parsed.data;
}
