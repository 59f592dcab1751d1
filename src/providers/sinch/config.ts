/**
 * Sinch SMS REST API configuration, parsed once (zod). The API lives per region
 * (`https://{region}.sms.api.sinch.com`); the service plan id and its API token come from the
 * Sinch dashboard. The webhook secret is the one Sinch configures for signed (HMAC) callbacks.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const SinchConfigSchema = z.object({
  servicePlanId: z.string().min(1),
  apiToken: z.string().min(1),
  /** Default sender (number or short code); a send's `from` option wins. */
  fromNumber: z.string().min(1).optional(),
  region: z.enum(['us', 'eu', 'au', 'br', 'ca']).default('us'),
  /** Overrides the region's URL (tests point it at a fake). */
  baseUrl: z.url().optional(),
  timeoutMs: z.number().int().positive().default(30_000),
  /** Verifies callbacks; without it the provider exposes no webhook handler. */
  webhookSecret: z.string().min(1).optional(),
  /**
   * `webhook`: Sinch's documented SMS callback signing (`x-sinch-webhook-signature`, base64
   * HMAC-SHA256 of `body.nonce.timestamp`). `legacy-sha1`: RoomKit's `X-Sinch-Signature`, hex
   * HMAC-SHA1 of the body (the Numbers API scheme), for accounts set up that way.
   */
  signatureScheme: z.enum(['webhook', 'legacy-sha1']).default('webhook'),
  /** Signed callbacks whose timestamp is further than this from now are refused. */
  toleranceSeconds: z.number().int().positive().default(300),
});
export type SinchConfig = z.output<typeof SinchConfigSchema>;
export type SinchConfigInput = z.input<typeof SinchConfigSchema>;

export function parseSinchConfig(input: SinchConfigInput): SinchConfig {
  const parsed = SinchConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Sinch SMS provider config', parsed.error.issues);
  return parsed.data;
}

/** The API root for the configured region. */
export function sinchBaseUrl(config: SinchConfig): string {
  return (config.baseUrl ?? `https://${config.region}.sms.api.sinch.com`).replace(/\/+$/, '');
}
