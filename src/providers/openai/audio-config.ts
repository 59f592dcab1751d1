/**
 * OpenAI audio (transcription and speech) configuration, parsed once (zod) where the provider is
 * built. Every field the SDK would otherwise read from the environment (`OPENAI_API_KEY`,
 * `OPENAI_BASE_URL`, `OPENAI_ORG_ID`…) gets an explicit value: the worker's entry point reads the
 * key and passes it in.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

const Common = {
  apiKey: z.string().min(1),
  baseURL: z.url().default('https://api.openai.com/v1'),
  organization: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  /** Deadline for one call, body included; keep it below the activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(60_000),
};

export const OpenAITranscriptionConfigSchema = z.object({
  ...Common,
  /** `gpt-4o-mini-transcribe`, `gpt-4o-transcribe` or `whisper-1` (the only one with word timings). */
  model: z.string().min(1).default('gpt-4o-mini-transcribe'),
  /**
   * `verbose_json` adds word timings (`timestamp_granularities[]=word`) but only `whisper-1`
   * accepts it; default: `verbose_json` for whisper models, `json` for the rest.
   */
  responseFormat: z.enum(['json', 'verbose_json']).optional(),
}).strict();

export type OpenAITranscriptionConfig = z.output<typeof OpenAITranscriptionConfigSchema> & { responseFormat: 'json' | 'verbose_json' };
export type OpenAITranscriptionConfigInput = z.input<typeof OpenAITranscriptionConfigSchema>;

export function parseOpenAITranscriptionConfig(input: OpenAITranscriptionConfigInput): OpenAITranscriptionConfig {
  const parsed = OpenAITranscriptionConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('OpenAI transcription config', parsed.error.issues);
  const c = parsed.data;
  return { ...c, responseFormat: c.responseFormat ?? (c.model.startsWith('whisper') ? 'verbose_json' : 'json') };
}

export const OpenAISpeechConfigSchema = z.object({
  ...Common,
  model: z.string().min(1).default('gpt-4o-mini-tts'),
  /** A built-in voice (`alloy`, `coral`, `marin`…); a call's `voice` option overrides it. */
  voice: z.string().min(1).max(64).default('alloy'),
  /**
   * `pcm`: raw 24 kHz PCM16 LE mono, the lowest latency and no decoder needed; `wav`: the same
   * samples in a RIFF header.
   */
  responseFormat: z.enum(['pcm', 'wav']).default('pcm'),
  /** Delivery guidance for `gpt-4o-mini-tts` ("warm, unhurried"); ignored by `tts-1`. */
  instructions: z.string().min(1).max(4096).optional(),
  /** The API refuses `input` longer than 4,096 characters. */
  maxTextLength: z.number().int().positive().max(4096).default(4096),
}).strict();

export type OpenAISpeechConfig = z.output<typeof OpenAISpeechConfigSchema>;
export type OpenAISpeechConfigInput = z.input<typeof OpenAISpeechConfigSchema>;

export function parseOpenAISpeechConfig(input: OpenAISpeechConfigInput): OpenAISpeechConfig {
  const parsed = OpenAISpeechConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('OpenAI speech config', parsed.error.issues);
  return parsed.data;
}
