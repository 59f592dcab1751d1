/**
 * RoomKit's webhook signature, the same both ways: `X-RoomKit-Signature: <hex HMAC-SHA256(secret,
 * raw body)>`. It covers the body only (RoomKit compatibility); replay protection comes from the
 * signed `timestamp` field inside the body, checked when present (or required by config).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookSignatureError } from '../../errors.js';
import type { WebhookRequest } from '../webhook.js';

export const ROOMKIT_SIGNATURE_HEADER = 'x-roomkit-signature';

/** The header value for `body` (sign test fixtures or your own calls with it). */
export function roomKitSignature(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** Throws `WebhookSignatureError`: 401 when the header is absent, 403 when malformed or wrong. */
export function verifyRoomKitSignature(provider: string, request: WebhookRequest, secret: string): void {
  const given = request.headers[ROOMKIT_SIGNATURE_HEADER]?.trim();
  if (!given) throw new WebhookSignatureError(provider, 'missing X-RoomKit-Signature header', 401);
  if (!/^[0-9a-f]{64}$/i.test(given)) throw new WebhookSignatureError(provider, 'X-RoomKit-Signature is not 64 hex digits', 403);
  const expected = Buffer.from(roomKitSignature(secret, request.rawBody), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) {
    throw new WebhookSignatureError(provider, 'X-RoomKit-Signature does not match the body', 403);
  }
}
