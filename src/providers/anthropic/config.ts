/**
 * Anthropic provider configuration, parsed once (zod) where the provider is built. Every field that
 * the SDK would otherwise read from the environment (`ANTHROPIC_BASE_URL`…) gets an explicit value,
 * so library code never depends on environment variables.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const AnthropicConfigSchema = z.object({
  apiKey: z.string().min(1),
  /** A current model: the SDK warns on every call to deprecated ones (`claude-sonnet-4-5`). */
  model: z.string().min(1).default('claude-sonnet-4-6'),
  baseURL: z.url().default('https://api.anthropic.com'),
  /** Default `max_tokens` when the context sets none (RoomKit's historical 1024). */
  maxTokens: z.number().int().positive().default(1024),
  /** Per-request timeout; keep it below the activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(120_000),
  vision: z.boolean().default(true),
});

/** Parsed configuration: every default filled. */
export type AnthropicConfig = z.output<typeof AnthropicConfigSchema>;
/** What callers pass: only `apiKey` is required. */
export type AnthropicConfigInput = z.input<typeof AnthropicConfigSchema>;

/** Validates and fills defaults; the error names the field, never the key's value. */
export function parseAnthropicConfig(input: AnthropicConfigInput): AnthropicConfig {
  const parsed = AnthropicConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Anthropic provider config', parsed.error.issues);
  return parsed.data;
}
