/**
 * Sinch SMS callback signing, as Sinch's SDKs verify it (`SmsWebhooks.validate_authentication_header`):
 * `x-sinch-webhook-signature` = base64(HMAC-SHA256(secret, `${rawBody}.${nonce}.${timestamp}`)) with
 * `x-sinch-webhook-signature-nonce` and `x-sinch-webhook-signature-timestamp` (Unix seconds).
 * RoomKit instead checks `X-Sinch-Signature` = hex(HMAC-SHA1(secret, rawBody)), which is Sinch's
 * Numbers API scheme; it is kept as `legacy-sha1` for accounts configured that way. It has no
 * timestamp, so it cannot refuse a replay.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from '../../errors.js';
import type { WebhookRequest } from '../webhook.js';

export type SinchSignatureScheme = 'webhook' | 'legacy-sha1';

export interface SinchSignatureOptions {
  secret: string;
  scheme: SinchSignatureScheme;
  toleranceSeconds: number;
  now?: () => number;
}

/** Signs like Sinch does (tests and local tools). */
export function sinchSignature(secret: string, rawBody: Buffer | string, nonce: string, timestamp: string): string {
  return createHmac('sha256', secret).update(Buffer.concat([Buffer.from(rawBody), Buffer.from(`.${nonce}.${timestamp}`)])).digest('base64');
}

export function sinchLegacySignature(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha1', secret).update(rawBody).digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function verifySinchSignature(request: WebhookRequest, options: SinchSignatureOptions): void {
  if (options.scheme === 'legacy-sha1') {
    const signature = request.headers['x-sinch-signature'];
    if (!signature) throw new WebhookSignatureError('sinch', 'missing X-Sinch-Signature header', 401);
    if (!same(signature.toLowerCase(), sinchLegacySignature(options.secret, request.rawBody))) {
      throw new WebhookSignatureError('sinch', 'signature does not match', 403);
    }
    return;
  }
  const signature = request.headers['x-sinch-webhook-signature'];
  const nonce = request.headers['x-sinch-webhook-signature-nonce'];
  const timestamp = request.headers['x-sinch-webhook-signature-timestamp'];
  if (!signature || !nonce || !timestamp) {
    throw new WebhookSignatureError('sinch', 'missing x-sinch-webhook-signature, -nonce or -timestamp header', 401);
  }
  const seconds = Number(timestamp);
  if (!Number.isFinite(seconds)) throw new WebhookSignatureError('sinch', 'signature timestamp is not a Unix time', 403);
  const now = (options.now ?? Date.now)() / 1000;
  if (Math.abs(now - seconds) > options.toleranceSeconds) {
    throw new WebhookSignatureError('sinch', `stale webhook: timestamp is more than ${options.toleranceSeconds} s from now`, 403);
  }
  if (!same(signature, sinchSignature(options.secret, request.rawBody, nonce, timestamp))) {
    throw new WebhookSignatureError('sinch', 'signature does not match', 403);
  }
}
