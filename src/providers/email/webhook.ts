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
 * Checks the hex HMAC-SHA256 of the raw body in `signatureHeader` (an optional `sha256=` prefix is
 * accepted). Throws `WebhookSignatureError`: 401 when the header is missing, 403 when wrong.
 *
 * @example
 * verifyEmailWebhook(request, { secret: config.emailWebhookSecret });
 */
export function verifyEmailWebhook(
  request: WebhookRequest,
  options: Pick<EmailWebhookOptions, 'secret' | 'signatureHeader' | 'provider'>,
): void {
  const provider = options.provider ?? 'email';
  const header = (options.signatureHeader ?? DEFAULT_EMAIL_SIGNATURE_HEADER).toLowerCase();
  const given = request.headers[header]?.trim().replace(/^sha256=/i, '');
  if (!given) throw new WebhookSignatureError(provider, `missing ${header} header`, 401);
  const expected = Buffer.from(signEmailWebhook(options.secret, request.rawBody), 'hex');
  const actual = /^[0-9a-f]+$/i.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new WebhookSignatureError(provider, 'signature does not match the body', 403);
  }
}

/**
 * A verified raw MIME message as one inbound message (async: MIME parsing is). Throws
 * `WebhookPayloadError` for a form or JSON post, which is another vendor's format.
 *
 * @example
 * const outcome = await parseEmailWebhook(request, 'email-main');
 */
export async function parseEmailWebhook(
  request: WebhookRequest,
  channelId: string,
  options: Pick<EmailWebhookOptions, 'stripQuotedReply' | 'provider'> = {},
): Promise<WebhookOutcome> {
  const provider = options.provider ?? 'email';
  const type = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type && !RAW_TYPES.includes(type)) {
    throw new WebhookPayloadError(provider, 'content-type', `expected message/rfc822 (the raw MIME message), got ${type}`);
  }
  const message = await parseInboundEmail(request.rawBody, channelId, {
    provider, stripQuotedReply: options.stripQuotedReply ?? true,
  });
  return { kind: 'messages', messages: [message] };
}

/**
 * @example
 * const inbound = new EmailWebhook({ secret: config.emailWebhookSecret });
 * kit.registerChannel(new EmailChannel('email-main', { provider: smtp, fromAddress: 'help@acme.test', webhook: inbound }));
 */
export class EmailWebhook implements WebhookHandler {
  readonly provider: string;

  constructor(private readonly options: EmailWebhookOptions) {
    if (!options.secret) throw new TypeError('EmailWebhook needs a secret');
    this.provider = options.provider ?? 'email';
  }

  verify(request: WebhookRequest): void {
    verifyEmailWebhook(request, this.options);
  }

  parse(request: WebhookRequest, channelId: string): Promise<WebhookOutcome> {
    return parseEmailWebhook(request, channelId, this.options);
  }
}
