/**
 * OpenAI (and OpenAI-compatible: vLLM, llama.cpp, Ollama…) provider configuration. Every field the
 * SDK would otherwise read from the environment (`OPENAI_BASE_URL`, `OPENAI_ORG_ID`…) gets an
 * explicit value, so library code never depends on environment variables.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const OpenAIConfigSchema = z.object({
  apiKey: z.string().min(1),
  /** A model that accepts `temperature` (GPT-5 reasoning models only take the default). */
  model: z.string().min(1).default('gpt-4.1-mini'),
  baseURL: z.url().default('https://api.openai.com/v1'),
  organization: z.string().min(1).optional(),
  project: z.string().min(1).optional(),
  /** Default token budget when the context sets none. */
  maxTokens: z.number().int().positive().default(1024),
  /**
   * Which request field carries the budget: OpenAI deprecated `max_tokens` for
   * `max_completion_tokens` (reasoning models refuse the old one); older compatible servers only
   * know `max_tokens`.
   */
  maxTokensField: z.enum(['max_completion_tokens', 'max_tokens']).default('max_completion_tokens'),
  /** Per-request timeout; keep it below the activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(120_000),
  vision: z.boolean().default(true),
});

export type OpenAIConfig = z.output<typeof OpenAIConfigSchema>;
export type OpenAIConfigInput = z.input<typeof OpenAIConfigSchema>;

/** Validates and fills defaults; the error names the field, never the key's value. */
export function parseOpenAIConfig(input: OpenAIConfigInput): OpenAIConfig {
  const parsed = OpenAIConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('OpenAI provider config', parsed.error.issues);
  return parsed.data;
}

/**
 * An OpenAI-compatible server (vLLM's `vllm serve`): `baseURL` and `model` are required, the key
 * defaults to vLLM's placeholder, and the budget goes in `max_tokens`.
 */
export const VLLMConfigSchema = OpenAIConfigSchema.extend({
  apiKey: z.string().min(1).default('EMPTY'),
  model: z.string().min(1),
  baseURL: z.url(),
  maxTokensField: z.enum(['max_completion_tokens', 'max_tokens']).default('max_tokens'),
  vision: z.boolean().default(false),
});

export type VLLMConfigInput = z.input<typeof VLLMConfigSchema>;

export function parseVLLMConfig(input: VLLMConfigInput): OpenAIConfig {
  const parsed = VLLMConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('vLLM provider config', parsed.error.issues);
  return parsed.data;
}
