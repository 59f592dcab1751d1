/**
 * Meta signs every webhook POST with `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(appSecret, body)>`
 * over the raw bytes, so it must be checked before the body is parsed (a re-serialised JSON would
 * not match).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from '../../errors.js';
import type { WebhookRequest } from '../webhook.js';

export const HUB_SIGNATURE_HEADER = 'x-hub-signature-256';

/** The header value Meta would send for `body` (useful to sign fixtures and replay tools). */
export function hubSignature(appSecret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Throws `WebhookSignatureError`: 401 when the header is absent, 403 when it is malformed or wrong. */
export function verifyHubSignature(provider: string, request: WebhookRequest, appSecret: string): void {
  const header = request.headers[HUB_SIGNATURE_HEADER];
  if (!header) throw new WebhookSignatureError(provider, 'missing X-Hub-Signature-256 header', 401);
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) throw new WebhookSignatureError(provider, 'malformed X-Hub-Signature-256 header', 403);
  const expected = createHmac('sha256', appSecret).update(request.rawBody).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1], 'hex'))) {
    throw new WebhookSignatureError(provider, 'X-Hub-Signature-256 does not match the body', 403);
  }
}
