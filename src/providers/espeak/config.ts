/** espeak-ng provider configuration, parsed once (zod) where the provider is built. */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

/** A voice name as espeak-ng spells them (`en-us`, `en-us+f3`, `mb-en1`); never an option (`-…`). */
export const EspeakVoice = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_+.-]{0,63}$/, 'must be an espeak-ng voice name such as en-us or en-us+f3');

export const EspeakConfigSchema = z.object({
  /** The binary; a bare name is looked up on PATH. */
  command: z.string().min(1).default('espeak-ng'),
  voice: EspeakVoice.default('en-us'),
  /** Words per minute (espeak-ng's own default is 175; 150 is easier on telephone audio). */
  speed: z.number().int().min(80).max(450).default(150),
  /** Kills a synthesis that runs longer (espeak-ng speaks ~20× faster than real time). */
  timeoutMs: z.number().int().positive().default(30_000),
  /** Longest text accepted (it goes through stdin, so this is about time, not argv limits). */
  maxTextLength: z.number().int().positive().default(20_000),
}).strict();

export type EspeakConfig = z.output<typeof EspeakConfigSchema>;
export type EspeakConfigInput = z.input<typeof EspeakConfigSchema>;

export function parseEspeakConfig(input: EspeakConfigInput = {}): EspeakConfig {
  const parsed = EspeakConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('espeak-ng provider config', parsed.error.issues);
  return parsed.data;
}
