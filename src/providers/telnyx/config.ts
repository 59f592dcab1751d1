/**
 * Telnyx configuration, parsed once (zod) where the provider is built. The webhook public key is
 * the account's Ed25519 key exactly as the Telnyx portal shows it (base64 of the 32 raw bytes); a
 * PEM key is accepted too.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

/** The Ed25519 key as a `KeyObject`, or undefined when the text is not one. */
export function telnyxPublicKey(text: string): KeyObject | undefined {
  try {
    if (text.trim().startsWith('-----BEGIN')) {
      const key = createPublicKey(text);
      return key.asymmetricKeyType === 'ed25519' ? key : undefined;
    }
    const raw = Buffer.from(text.trim(), 'base64');
    if (raw.length !== 32) return undefined;
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

const publicKey = z
  .string()
  .min(1)
  .refine((k) => telnyxPublicKey(k) !== undefined, { message: 'must be the Ed25519 public key (base64 of 32 bytes, or PEM)' });

const shared = {
  apiKey: z.string().min(1),
  /** Verifies webhooks; without it the provider exposes no webhook handler. */
  publicKey: publicKey.optional(),
  baseUrl: z.url().default('https://api.telnyx.com'),
  timeoutMs: z.number().int().positive().default(30_000),
  /** Webhooks whose `telnyx-timestamp` is further than this from now are refused (stale/replayed). */
  toleranceSeconds: z.number().int().positive().default(300),
};

export const TelnyxSMSConfigSchema = z.object({
  ...shared,
  /** Default sender; a send's `from` option wins. */
  fromNumber: z.string().min(1).optional(),
  /** Sends through the profile's number pool when no `from` is given. */
  messagingProfileId: z.string().min(1).optional(),
});
export type TelnyxSMSConfig = z.output<typeof TelnyxSMSConfigSchema>;
export type TelnyxSMSConfigInput = z.input<typeof TelnyxSMSConfigSchema>;

export const TelnyxRCSConfigSchema = z.object({
  ...shared,
  /** The RCS agent messages are sent from. */
  agentId: z.string().min(1),
  /** Telnyx requires a messaging profile on every RCS send. */
  messagingProfileId: z.string().min(1),
  /** SMS sender used when the recipient cannot receive RCS; without it there is no SMS fallback. */
  fallbackFrom: z.string().min(1).optional(),
  /** Ask Telnyx whether the handset is RCS-capable before sending (only when falling back). */
  capabilityCheck: z.boolean().default(true),
});
export type TelnyxRCSConfig = z.output<typeof TelnyxRCSConfigSchema>;
export type TelnyxRCSConfigInput = z.input<typeof TelnyxRCSConfigSchema>;

/** Validates and fills defaults; the error names the field, never the key's value. */
export function parseTelnyxSMSConfig(input: TelnyxSMSConfigInput): TelnyxSMSConfig {
  const parsed = TelnyxSMSConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Telnyx SMS provider config', parsed.error.issues);
  return parsed.data;
}

export function parseTelnyxRCSConfig(input: TelnyxRCSConfigInput): TelnyxRCSConfig {
  const parsed = TelnyxRCSConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('Telnyx RCS provider config', parsed.error.issues);
  return parsed.data;
}
