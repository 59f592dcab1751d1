/**
 * Gemini (Developer API) provider configuration. The SDK reads `GOOGLE_GENAI_USE_VERTEXAI`,
 * `GOOGLE_GEMINI_BASE_URL` and API-key variables from the environment; every one of them gets an
 * explicit value here so library code never depends on environment variables.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const GeminiConfigSchema = z.object({
  apiKey: z.string().min(1),
  model: z.string().min(1).default('gemini-2.5-flash'),
  baseURL: z.url().default('https://generativelanguage.googleapis.com'),
  apiVersion: z.string().min(1).default('v1beta'),
  /** Default `maxOutputTokens` when the context sets none (thinking tokens count against it). */
  maxTokens: z.number().int().positive().default(1024),
  /** Per-request timeout; keep it below the activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(120_000),
  vision: z.boolean().default(true),
});

export type GeminiConfig = z.output<typeof GeminiConfigSchema>;
export type GeminiConfigInput = z.input<typeof GeminiConfigSchema>;

/** Validates and fills defaults; the error names the field, never the key's value. */
export function parseGeminiConfig(input: GeminiConfigInput): GeminiConfig {
  const parsed = GeminiConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Gemini provider config', parsed.error.issues);
  return parsed.data;
}
