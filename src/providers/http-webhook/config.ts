/**
 * Generic HTTP webhook provider configuration (RoomKit `HTTPProviderConfig`): where to POST, the
 * shared secret that signs both directions, and the SSRF policy.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const HttpWebhookConfigSchema = z.object({
  /** The receiver's URL (http or https). Private-network targets are refused unless allowed below. */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  /** Signs outbound bodies and verifies inbound ones. Without it sends are unsigned and there is no inbound handler. */
  secret: z.string().min(1).optional(),
  /** Extra headers on every send (an `Authorization` the receiver expects, say). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Per-request timeout; 5 s is what webhook senders commonly allow. */
  timeoutMs: z.number().int().positive().default(5_000),
  /**
   * Allow loopback, RFC 1918, link-local, CGNAT, ULA… targets. Off by default: a URL taken from
   * user input must not reach the cloud metadata endpoint or internal services.
   */
  allowPrivateNetwork: z.boolean().default(false),
  /** Inbound bodies whose signed `timestamp` is further than this from now are refused as replays. */
  timestampToleranceSeconds: z.number().int().positive().default(300),
  /** Refuse inbound bodies without a `timestamp` (off for RoomKit senders, which do not add one). */
  requireTimestamp: z.boolean().default(false),
});

export type HttpWebhookConfig = z.output<typeof HttpWebhookConfigSchema>;
export type HttpWebhookConfigInput = z.input<typeof HttpWebhookConfigSchema>;

/** Validates and fills defaults; the error names the field, never the secret's value. */
export function parseHttpWebhookConfig(input: HttpWebhookConfigInput): HttpWebhookConfig {
  const parsed = HttpWebhookConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('HTTP webhook provider config', parsed.error.issues);
  return parsed.data;
}
