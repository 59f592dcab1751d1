/**
 * SMTP provider configuration, parsed once (zod) where the provider is built; no environment reads.
 */
import { z } from 'zod';
import { RoomKitValidationError } from '../../errors.js';

export const SMTPEmailConfigSchema = z.object({
  host: z.string().min(1),
  /** Default 587 (submission with STARTTLS), or 465 with `secure: true`. */
  port: z.number().int().min(1).max(65_535).optional(),
  /** TLS from the first byte (port 465). False ⇒ STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the server upgrades with STARTTLS (recommended with `auth` on port 587). */
  requireTLS: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1), pass: z.string() }).strict().optional(),
  /** Default sender address. */
  from: z.string().min(3),
  fromName: z.string().optional(),
  /** Right-hand side of generated Message-IDs; the `from` domain when absent. */
  domain: z.string().min(1).optional(),
  connectionTimeoutMs: z.number().int().positive().default(10_000),
  greetingTimeoutMs: z.number().int().positive().default(10_000),
  /** Idle socket deadline; keep it below the delivery activity's start-to-close timeout. */
  socketTimeoutMs: z.number().int().positive().default(30_000),
  /** Reuse connections (nodemailer pool); worth it above a few mails per second. */
  pool: z.boolean().default(false),
  maxConnections: z.number().int().positive().default(5),
  /**
   * What to do with http(s) media URLs: `link` (default) lists them in the body; `attach` lets
   * nodemailer download them while sending. Linking keeps a send independent of the media host and
   * the mail small; `data:` URLs are always attached (the bytes are already in the event). `attach`
   * makes the worker fetch whatever URL an event carries: enable it only when media URLs are trusted.
   */
  remoteMedia: z.enum(['link', 'attach']).default('link'),
  /** Accept a self-signed server certificate (a dev relay). Never in production. */
  allowSelfSigned: z.boolean().default(false),
  /** Verifies and parses inbound raw MIME posted to the webhook (see `EmailWebhook`). */
  inbound: z
    .object({
      secret: z.string().min(16, 'must be at least 16 characters'),
      signatureHeader: z.string().min(1).optional(),
      stripQuotedReply: z.boolean().optional(),
    })
    .strict()
    .optional(),
}).strict();

/** Parsed configuration: every default filled. */
export type SMTPEmailConfig = z.output<typeof SMTPEmailConfigSchema>;
/** What callers pass: `host` and `from` are required. */
export type SMTPEmailConfigInput = z.input<typeof SMTPEmailConfigSchema>;

/** Validates and fills defaults; the error names the field, never the password. */
export function parseSMTPEmailConfig(input: SMTPEmailConfigInput): SMTPEmailConfig {
  const parsed = SMTPEmailConfigSchema.safeParse(input);
  if (!parsed.success) throw new RoomKitValidationError('SMTP email provider config', parsed.error.issues);
  return parsed.data;
}
