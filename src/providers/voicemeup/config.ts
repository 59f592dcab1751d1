/**
 * VoiceMeUp configuration, parsed once (zod). VoiceMeUp documents no webhook signature, so the
 * webhook is authenticated with a shared secret of our own: put it in the callback URL you give
 * VoiceMeUp (`…/webhooks/sms?token=<secret>`) or have a proxy add it as a header.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const VoiceMeUpConfigSchema = z.object({
  username: z.string().min(1),
  authToken: z.string().min(1),
  /** Default sender; a send's `from` option wins. Sent without the '+'. */
  fromNumber: z.string().min(1),
  /** The API root, ending in '/' (`queue_sms` is appended). Sandbox: `https://dev-clients.voicemeup.com/api/v1.1/json/`. */
  baseUrl: z.url().default('https://clients.voicemeup.com/api/v1.1/json/'),
  timeoutMs: z.number().int().positive().default(10_000),
  /** Shared secret the webhook must carry; without it the provider exposes no webhook handler. */
  webhookSecret: z.string().min(16, 'use at least 16 characters').optional(),
  /** Query parameter carrying the secret. */
  webhookTokenParam: z.string().min(1).default('token'),
  /** Header carrying the secret (lower case), as an alternative to the query parameter. */
  webhookTokenHeader: z.string().min(1).default('x-webhook-token'),
  /** How long the first half of a split MMS waits for its second half. */
  mmsTimeoutMs: z.number().int().positive().default(5_000),
});
export type VoiceMeUpConfig = z.output<typeof VoiceMeUpConfigSchema>;
export type VoiceMeUpConfigInput = z.input<typeof VoiceMeUpConfigSchema>;

export function parseVoiceMeUpConfig(input: VoiceMeUpConfigInput): VoiceMeUpConfig {
  const parsed = VoiceMeUpConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('VoiceMeUp SMS provider config', parsed.error.issues);
  const baseUrl = parsed.data.baseUrl.endsWith('/') ? parsed.data.baseUrl : `${parsed.data.baseUrl}/`;
  return { ...parsed.data, baseUrl, webhookTokenHeader: parsed.data.webhookTokenHeader.toLowerCase() };
}
