/**
 * Elastic Email (API v2) configuration, parsed once (zod) where the provider is built.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const ElasticEmailConfigSchema = z.object({
  apiKey: z.string().min(1),
  /** Default sender address (a verified domain of the account). */
  from: z.string().min(3),
  fromName: z.string().optional(),
  /** Transactional mail skips the marketing unsubscribe footer and lists. Default true. */
  isTransactional: z.boolean().default(true),
  /** API origin; the provider POSTs to `{baseUrl}/v2/email/send`. Tests point it at a fake. */
  baseUrl: z.url().default('https://api.elasticemail.com'),
  /** Per-request timeout; keep it below the delivery activity's start-to-close timeout. */
  timeoutMs: z.number().int().positive().default(30_000),
}).strict();

export type ElasticEmailConfig = z.output<typeof ElasticEmailConfigSchema>;
/** What callers pass: `apiKey` and `from` are required. */
export type ElasticEmailConfigInput = z.input<typeof ElasticEmailConfigSchema>;

/** Validates and fills defaults; the error names the field, never the key's value. */
export function parseElasticEmailConfig(input: ElasticEmailConfigInput): ElasticEmailConfig {
  const parsed = ElasticEmailConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Elastic Email provider config', parsed.error.issues);
  return parsed.data;
}
