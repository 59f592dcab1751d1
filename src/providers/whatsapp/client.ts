/**
 * WhatsApp Cloud API client: `POST {graph}/{version}/{phoneNumberId}/messages` with a bearer token.
 * Refusals come back as data (`ProviderResult`), never thrown; Temporal decides on retries.
 */
import type { ProviderResult } from '../../models/index.js';
import { unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import { graphUrl } from '../meta/config.js';
import { graphFailure, type GraphError } from '../meta/graph-error.js';
import type { WhatsAppConfig } from './config.js';
import type { WhatsAppMessageBody } from './payload.js';
import { LEGACY_WINDOW_CLOSED_CODE, WINDOW_CLOSED_CODE, WINDOW_CLOSED_MESSAGE } from './window.js';

/**
 * Graph codes worth retrying although HTTP says 400: throttling (4 app calls, 80007 WABA limit,
 * 130429 throughput, 131048 spam-rate limit, 131056 pair rate limit) and Meta's temporary outages
 * (2 service, 131016 service unavailable, 133004 server temporarily unavailable).
 */
export const WHATSAPP_RETRYABLE_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056, 2, 131016, 133004]);

const GRAPH_RULES = {
  retryableCodes: WHATSAPP_RETRYABLE_CODES,
  explain: (error: GraphError) => {
    const code = String(error.code);
    return code === WINDOW_CLOSED_CODE || code === LEGACY_WINDOW_CLOSED_CODE
      ? { message: WINDOW_CLOSED_MESSAGE, metadata: { windowClosed: true } }
      : undefined;
  },
};

/** Meta's cap on `biz_opaque_callback_data`. */
const CALLBACK_DATA_CHARS = 512;

/** One `POST {graph}/{version}/{phoneNumberId}/messages`; a refusal comes back as data. */
export async function postMessage(
  config: WhatsAppConfig,
  to: string,
  body: WhatsAppMessageBody,
  options: { idempotencyKey?: string; replyTo?: string },
): Promise<ProviderResult> {
  const payload = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    ...(options.replyTo && { context: { message_id: options.replyTo } }),
    ...body,
    // The Graph API has no idempotency key; the retry-stable key rides along so status webhooks
    // (statuses[].biz_opaque_callback_data) can be tied back to the delivery. Reactions take none.
    ...(options.idempotencyKey && body.type !== 'reaction' && {
      biz_opaque_callback_data: options.idempotencyKey.slice(0, CALLBACK_DATA_CHARS),
    }),
  };
  const outcome = await callMessages(config, payload);
  if ('failure' in outcome) return outcome.failure;
  const { answer } = outcome;
  const id = (answer.body as { messages?: { id?: unknown }[] })?.messages?.[0]?.id;
  if (typeof id !== 'string' || !id) {
    // Accepted without an id: retrying could send twice, so the failure is final.
    return { success: false, error: 'WhatsApp answered without messages[0].id', metadata: { code: 'invalid_response', retryable: false, httpStatus: answer.status } };
  }
  return { success: true, providerMessageId: id };
}

/** One `POST …/{phoneNumberId}/messages`; a refusal or an unreachable Graph comes back as data. */
async function callMessages(config: WhatsAppConfig, payload: Record<string, unknown>): Promise<{ answer: HttpAnswer } | { failure: ProviderResult }> {
  let answer: HttpAnswer;
  try {
    answer = await vendorRequest('whatsapp', graphUrl(config, config.phoneNumberId, 'messages'), {
      method: 'POST',
      headers: { authorization: `Bearer ${config.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
      timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    if (err instanceof VendorUnreachableError) return { failure: unreachable(err) };
    throw err;
  }
  if (answer.status < 200 || answer.status >= 300) return { failure: graphFailure(answer, GRAPH_RULES) };
  return { answer };
}

/**
 * Marks an inbound message (and the ones before it) read: `{ messaging_product, status: 'read',
 * message_id }` on the messages endpoint. With `typing`, the same call also shows the typing
 * indicator (`typing_indicator: { type: 'text' }`), which is how the Cloud API does typing at all.
 * Meta answers `{ success: true }`.
 */
export async function postReadStatus(config: WhatsAppConfig, messageId: string, options: { typing?: boolean } = {}): Promise<ProviderResult> {
  const outcome = await callMessages(config, {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: messageId,
    ...(options.typing && { typing_indicator: { type: 'text' } }),
  });
  if ('failure' in outcome) return outcome.failure;
  if ((outcome.answer.body as { success?: unknown } | undefined)?.success !== true) {
    return { success: false, error: 'WhatsApp answered without success: true', metadata: { code: 'invalid_response', retryable: false, httpStatus: outcome.answer.status } };
  }
  return { success: true };
}

/** `GET {graph}/{mediaId}`: where an inbound media id can be downloaded; throws on a refusal. */
export async function fetchMedia(
  config: WhatsAppConfig, mediaId: string,
): Promise<{ url: string; mimeType?: string; sha256?: string; fileSize?: number }> {
  const answer = await vendorRequest('whatsapp', graphUrl(config, mediaId), {
    method: 'GET', headers: { authorization: `Bearer ${config.accessToken}` }, timeoutMs: config.timeoutMs,
  });
  const body = answer.body as { url?: unknown; mime_type?: string; sha256?: string; file_size?: number };
  if (answer.status >= 300 || typeof body?.url !== 'string') {
    throw new Error(`whatsapp media ${mediaId}: ${graphFailure(answer, GRAPH_RULES).error}`);
  }
  return { url: body.url, mimeType: body.mime_type, sha256: body.sha256, fileSize: body.file_size };
}
