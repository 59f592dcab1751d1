/**
 * Twilio provider configuration, parsed once (zod) where the provider is built. Nothing is read
 * from the environment: the SDK's `TWILIO_*` variables are ignored on purpose.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

/** Twilio's real API origin; tests point `baseUrl` at a loopback fake instead. */
export const TWILIO_API_URL = 'https://api.twilio.com';

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `must be a ${prefix}… SID (${prefix} + 32 hex digits)`);

export const TwilioConfigSchema = z
  .object({
    accountSid: sid('AC'),
    /** Signs REST calls (Basic auth) and verifies webhook signatures. */
    authToken: z.string().min(1),
    /** Default sender number (E.164) when no Messaging Service is configured. */
    from: z.string().min(1).optional(),
    /** Send through this Messaging Service (`MessagingServiceSid`) instead of a `From` number. */
    messagingServiceSid: sid('MG').optional(),
    /** Where Twilio posts delivery statuses (`StatusCallback`), e.g. `https://hooks.example.com/webhooks/sms`. */
    statusCallback: z.url().optional(),
    baseUrl: z.url().default(TWILIO_API_URL),
    /** Per-request timeout; keep it below the delivery activity's timeout. */
    timeoutMs: z.number().int().positive().default(15_000),
  })
  .strict();

export type TwilioConfig = z.output<typeof TwilioConfigSchema>;
export type TwilioConfigInput = z.input<typeof TwilioConfigSchema>;

export const TwilioRCSConfigSchema = TwilioConfigSchema.extend({
  /** RCS senders live in a Messaging Service, so it is required here. */
  messagingServiceSid: sid('MG'),
  /** Let Twilio fall back to SMS/MMS when the handset cannot take RCS. `false` ⇒ `To="rcs:<number>"`. */
  fallback: z.boolean().default(true),
}).strict();

export type TwilioRCSConfig = z.output<typeof TwilioRCSConfigSchema>;
export type TwilioRCSConfigInput = z.input<typeof TwilioRCSConfigSchema>;

/** Validates and fills defaults; the error names the field, never the token's value. */
export function parseTwilioConfig(input: TwilioConfigInput): TwilioConfig {
  const parsed = TwilioConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Twilio provider config', parsed.error.issues);
  return parsed.data;
}

export function parseTwilioRCSConfig(input: TwilioRCSConfigInput): TwilioRCSConfig {
  const parsed = TwilioRCSConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Twilio RCS provider config', parsed.error.issues);
  return parsed.data;
}
