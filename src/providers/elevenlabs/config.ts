/**
 * ElevenLabs provider configuration, parsed once (zod) where the provider is built. The key comes
 * from the caller (the worker's entry point reads `ELEVENLABS_API_KEY`); the SDK would otherwise
 * fall back to that variable itself, which library code must not depend on.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

/**
 * The raw formats we ask for, each one an {@link AudioFormat} without decoding: `pcm_16000`
 * (PCM16 LE mono, 16 kHz: STT-ready) or `ulaw_8000` (G.711 μ-law, 8 kHz: a phone call as is).
 */
export const ElevenLabsOutputFormat = z.enum(['pcm_16000', 'pcm_22050', 'pcm_24000', 'ulaw_8000']);
export type ElevenLabsOutputFormat = z.infer<typeof ElevenLabsOutputFormat>;

export const ElevenLabsConfigSchema = z.object({
  apiKey: z.string().min(1),
  /** A voice id from the voice library (`JBFqnCBsd6RMkjVDRZzb` is "George"). */
  voiceId: z.string().regex(/^[A-Za-z0-9]{1,64}$/, 'must be an ElevenLabs voice id'),
  /** `eleven_flash_v2_5` is the low-latency model; `eleven_multilingual_v2` the most natural. */
  modelId: z.string().min(1).default('eleven_flash_v2_5'),
  outputFormat: ElevenLabsOutputFormat.default('pcm_16000'),
  /** Origin of the API (a data-residency host, or a test fake); the SDK appends `/v1/text-to-speech/…`. */
  baseUrl: z.url().default('https://api.elevenlabs.io'),
  /** Deadline for one synthesis, audio body included. */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Longest text accepted before calling (Flash v2.5 takes 40,000 characters; older models 10,000). */
  maxTextLength: z.number().int().positive().default(10_000),
}).strict();

export type ElevenLabsConfig = z.output<typeof ElevenLabsConfigSchema>;
export type ElevenLabsConfigInput = z.input<typeof ElevenLabsConfigSchema>;

/** Validates and fills defaults; the error names the field, never the key's value. */
export function parseElevenLabsConfig(input: ElevenLabsConfigInput): ElevenLabsConfig {
  const parsed = ElevenLabsConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('ElevenLabs provider config', parsed.error.issues);
  return parsed.data;
}
