/**
 * The verify-token handshake Meta runs when a webhook URL is saved in the app dashboard:
 * `GET ?hub.mode=subscribe&hub.verify_token=<ours>&hub.challenge=<n>`, answered 200 with the
 * challenge as plain text. A wrong token is answered 403 so nobody else can subscribe our URL.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { WebhookPayloadError, WebhookSignatureError } from '../../errors.js';
import type { WebhookOutcome, WebhookRequest } from '../webhook.js';

export function isHandshake(request: WebhookRequest): boolean {
  return request.method.toUpperCase() === 'GET';
}

function query(request: WebhookRequest): URLSearchParams {
  return new URL(request.url, 'http://localhost').searchParams;
}

/** Throws `WebhookSignatureError`: 401 without a token, 403 for a wrong one or when none is configured. */
export function verifyHandshake(provider: string, request: WebhookRequest, verifyToken: string | undefined): void {
  const params = query(request);
  const given = params.get('hub.verify_token');
  if (!given) throw new WebhookSignatureError(provider, 'handshake without hub.verify_token', 401);
  if (params.get('hub.mode') !== 'subscribe') {
    throw new WebhookSignatureError(provider, 'handshake hub.mode is not subscribe', 403);
  }
  if (!verifyToken) throw new WebhookSignatureError(provider, 'no verifyToken configured; handshake refused', 403);
  // Hash both sides so the comparison is constant time whatever the lengths.
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(given), digest(verifyToken))) {
    throw new WebhookSignatureError(provider, 'hub.verify_token does not match', 403);
  }
}

/** The answer Meta expects: the challenge echoed as text/plain. */
export function handshakeReply(provider: string, request: WebhookRequest): WebhookOutcome {
  const challenge = query(request).get('hub.challenge');
  if (!challenge) throw new WebhookPayloadError(provider, 'hub.challenge', 'missing from the handshake');
  return { kind: 'reply', reply: { status: 200, contentType: 'text/plain', body: challenge } };
}
