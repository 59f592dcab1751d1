/** pocketsphinx provider configuration, parsed once (zod) where the provider is built. */
import path from 'node:path';
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

/** Where Debian's `pocketsphinx-en-us` package puts the US English model. */
export const DEBIAN_EN_US_MODEL = '/usr/share/pocketsphinx/model/en-us';

export const PocketsphinxConfigSchema = z.object({
  command: z.string().min(1).default('pocketsphinx_continuous'),
  /** Acoustic model directory (`-hmm`); default `<modelDir>/en-us`. */
  hmm: z.string().min(1).optional(),
  /** Language model (`-lm`); default `<modelDir>/en-us.lm.bin`. */
  lm: z.string().min(1).optional(),
  /** Pronunciation dictionary (`-dict`); default `<modelDir>/cmudict-en-us.dict`. */
  dict: z.string().min(1).optional(),
  modelDir: z.string().min(1).default(DEBIAN_EN_US_MODEL),
  /** Kills a recognition that runs longer (pocketsphinx runs ~3× faster than real time on one core). */
  timeoutMs: z.number().int().positive().default(60_000),
  /** Where the 16 kHz input file is written for the engine (removed afterwards); default the OS temp dir. */
  tmpDir: z.string().min(1).optional(),
}).strict();

export type PocketsphinxConfigInput = z.input<typeof PocketsphinxConfigSchema>;
export type PocketsphinxConfig = z.output<typeof PocketsphinxConfigSchema> & { hmm: string; lm: string; dict: string };

export function parsePocketsphinxConfig(input: PocketsphinxConfigInput = {}): PocketsphinxConfig {
  const parsed = PocketsphinxConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('pocketsphinx provider config', parsed.error.issues);
  const c = parsed.data;
  return {
    ...c,
    hmm: c.hmm ?? path.join(c.modelDir, 'en-us'),
    lm: c.lm ?? path.join(c.modelDir, 'en-us.lm.bin'),
    dict: c.dict ?? path.join(c.modelDir, 'cmudict-en-us.dict'),
  };
}
