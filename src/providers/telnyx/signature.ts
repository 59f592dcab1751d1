/**
 * Telnyx signs every webhook with the account's Ed25519 key: `telnyx-signature-ed25519` is the
 * base64 signature of `${telnyx-timestamp}|${rawBody}`. The timestamp is inside the signature, so
 * refusing old ones stops replays.
 */
import { verify, type KeyObject } from 'node:crypto';
import { WebhookSignatureError } from '../../errors.js';
import type { WebhookRequest } from '../webhook.js';

export interface TelnyxSignatureOptions {
  publicKey: KeyObject;
  toleranceSeconds: number;
  /** Milliseconds since the epoch; tests pin it. */
  now?: () => number;
}

export function verifyTelnyxSignature(request: WebhookRequest, options: TelnyxSignatureOptions): void {
  const signature = request.headers['telnyx-signature-ed25519'];
  const timestamp = request.headers['telnyx-timestamp'];
  if (!signature || !timestamp) {
    throw new WebhookSignatureError('telnyx', 'missing telnyx-signature-ed25519 or telnyx-timestamp header', 401);
  }
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp.trim()) || !Number.isFinite(seconds)) {
    throw new WebhookSignatureError('telnyx', 'telnyx-timestamp is not a Unix time', 403);
  }
  const now = (options.now ?? Date.now)() / 1000;
  if (Math.abs(now - seconds) > options.toleranceSeconds) {
    throw new WebhookSignatureError('telnyx', `stale webhook: timestamp is more than ${options.toleranceSeconds} s from now`, 403);
  }
  const signatureBytes = Buffer.from(signature, 'base64');
  const signed = Buffer.concat([Buffer.from(`${timestamp}|`, 'utf8'), request.rawBody]);
  let valid = false;
  try {
    valid = signatureBytes.length === 64 && verify(null, signed, options.publicKey, signatureBytes);
  } catch {
    valid = false;
  }
  if (!valid) throw new WebhookSignatureError('telnyx', 'signature does not match', 403);
}
