/**
 * Inbound email as a webhook: the raw MIME message POSTed to our URL (`Content-Type: message/rfc822`,
 * e.g. SendGrid Inbound Parse with "POST the raw, full MIME message", a Mailgun/Postfix pipe, or a
 * relay script), authenticated by a hex HMAC-SHA256 of the raw body with a shared secret in a header
 * (default `x-roomkit-signature`; an optional `sha256=` prefix is accepted).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookPayloadError, WebhookSignatureError } from '../../errors.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';
import { parseInboundEmail } from './inbound.js';

export const DEFAULT_EMAIL_SIGNATURE_HEADER = 'x-roomkit-signature';

/** Content types a raw message may arrive with; form posts and JSON are another vendor's format. */
const RAW_TYPES = ['message/rfc822', 'text/plain', 'application/octet-stream'];

export interface EmailWebhookOptions {
  /** Shared secret of the HMAC. */
  secret: string;
  /** Header carrying the hex HMAC-SHA256 of the raw body. Default `x-roomkit-signature`. */
  signatureHeader?: string;
  /** See `ParseInboundEmailOptions.stripQuotedReply`. Default true. */
  stripQuotedReply?: boolean;
  /** Name in errors and metadata. Default `email`. */
  provider?: string;
}

/** Hex HMAC-SHA256 of a body, as the sender must compute it. */
export function signEmailWebhook(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/**
 * @example
 * const inbound = new EmailWebhook({ secret: config.emailWebhookSecret });
 * kit.registerChannel(new EmailChannel('email-main', { provider: smtp, fromAddress: 'help@acme.test', webhook: inbound }));
 */
export class EmailWebhook implements WebhookHandler {
  readonly provider: string;
  private readonly secret: string;
  private readonly header: string;
  private readonly stripQuoted: boolean;

  constructor(options: EmailWebhookOptions) {
    if (!options.secret) throw new TypeError('EmailWebhook needs a secret');
    this.provider = options.provider ?? 'email';
    this.secret = options.secret;
    this.header = (options.signatureHeader ?? DEFAULT_EMAIL_SIGNATURE_HEADER).toLowerCase();
    this.stripQuoted = options.stripQuotedReply ?? true;
  }

  verify(request: WebhookRequest): void {
    const given = request.headers[this.header]?.trim().replace(/^sha256=/i, '');
    if (!given) throw new WebhookSignatureError(this.provider, `missing ${this.header} header`, 401);
    const expected = Buffer.from(signEmailWebhook(this.secret, request.rawBody), 'hex');
    const actual = /^[0-9a-f]+$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      throw new WebhookSignatureError(this.provider, 'signature does not match the body', 403);
    }
  }

  async parse(request: WebhookRequest, channelId: string): Promise<WebhookOutcome> {
    const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type && !RAW_TYPES.includes(type)) {
      throw new WebhookPayloadError(this.provider, 'content-type', `expected message/rfc822 (the raw MIME message), got ${type}`);
    }
    const message = await parseInboundEmail(request.rawBody, channelId, {
      provider: this.provider, stripQuotedReply: this.stripQuoted,
    });
    return { kind: 'messages', messages: [message] };
  }
}
