/**
 * RoomKit's generic HTTP provider (`WebhookHTTPProvider`): each delivery is a signed JSON POST
 * `{ recipient_id, channel_id, room_id, event_id, content: { type: 'text', body }, metadata, timestamp }`
 * to the configured URL; the receiver answers `{ message_id }` (or `{ id }`). `event_id` and the
 * `Idempotency-Key` header are the same on every retry of one delivery, so the receiver can drop
 * duplicates; `timestamp` is fresh per attempt and signed, so it can refuse replays.
 */
import type http from 'node:http';
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, unreachable, VendorUnreachableError, type HttpAnswer } from '../http.js';
import type { HttpWebhookConfig } from './config.js';
import { assertPublicHost, PrivateNetworkError, type LookupFn } from './private-network.js';
import { guardedRequest } from './request.js';

/** Where deliveries go and how: the parsed config, its URL, the SSRF lookup and the keep-alive agent. */
export interface HttpWebhookTarget {
  config: HttpWebhookConfig;
  url: URL;
  lookup: LookupFn;
  agent: http.Agent;
}

/**
 * One signed delivery POST (body and headers already built). `fallbackId` (the event id) stands in
 * as the message id when the receiver answers without one.
 */
export async function postDelivery(
  target: HttpWebhookTarget, body: string, headers: Record<string, string>, fallbackId: string,
): Promise<ProviderResult> {
  let answer: HttpAnswer;
  try {
    if (!target.config.allowPrivateNetwork) await assertPublicHost(target.url.hostname, target.lookup);
    answer = await guardedRequest('http-webhook', target.url, {
      method: 'POST', headers, body, timeoutMs: target.config.timeoutMs, agent: target.agent,
      ...(!target.config.allowPrivateNetwork && { guard: { lookup: target.lookup } }),
    });
  } catch (err) {
    if (err instanceof PrivateNetworkError) {
      return { success: false, error: err.message, metadata: { code: 'private_network_target', retryable: false } };
    }
    if (err instanceof VendorUnreachableError) return unreachable(err);
    // A DNS failure in the pre-check: the name may resolve later.
    return unreachable(new VendorUnreachableError('http-webhook', String((err as Error).message ?? err), { cause: err }));
  }
  if (answer.status >= 200 && answer.status < 300) {
    const data = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as { message_id?: unknown; id?: unknown };
    const id = data.message_id ?? data.id;
    // A receiver that answers without an id (204) still accepted the event: our event id stands in.
    const providerMessageId = typeof id === 'string' || typeof id === 'number' ? String(id) : fallbackId;
    return { success: true, providerMessageId };
  }
  return refusal(answer);
}

/** Receivers are ours to define; read the common shapes `{ error: { code, message } }`, `{ code, message }`, `{ error: "…" }`. */
function refusal(answer: HttpAnswer): ProviderResult {
  const body = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as Record<string, unknown>;
  const nested = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : undefined;
  const pick = (...values: unknown[]) => values.find((v) => typeof v === 'string' || typeof v === 'number') as string | number | undefined;
  const code = pick(nested?.code, body.code, typeof body.error === 'string' ? body.error : undefined);
  const message = pick(nested?.message, body.message, typeof answer.body === 'string' ? answer.body.slice(0, 500) : undefined);
  return httpFailure(answer, { code, message: message === undefined ? undefined : String(message) });
}
