/**
 * Teams over the Bot Framework REST API, without the (archived) botbuilder SDK: a client-credentials
 * token, then `POST {serviceUrl}/v3/conversations/{conversationId}/activities`. The serviceUrl comes
 * from the binding (`serviceUrl` metadata), else the conversation reference stored by the webhook,
 * else `defaultServiceUrl`. Bot Framework has no idempotency key, so a retried delivery after a lost
 * answer can post twice; Temporal retries only what failed, which keeps that window small.
 */
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, pathSegment, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import type { TeamsConfig } from './config.js';

/** What we post to the activities endpoint: a `message` (text, textFormat) or a `typing` activity. */
export type OutboundActivity = { type: 'message'; text: string; textFormat: string } | { type: 'typing' };

/**
 * `POST {serviceUrl}/v3/conversations/{conversationId}/activities` with a bot token. `onUnauthorized`
 * runs when Bot Framework refuses the token (401), so the caller can drop its cached one. A typing
 * activity goes the same way as a message (same endpoint, same token, same refusals).
 */
export async function postActivity(
  config: TeamsConfig, serviceUrl: string, conversationId: string, bearer: string, activity: OutboundActivity,
  onUnauthorized: () => void,
): Promise<ProviderResult> {
  const url = `${serviceUrl.replace(/\/+$/, '')}/v3/conversations/${pathSegment(conversationId)}/activities`;
  let answer: HttpAnswer;
  try {
    answer = await vendorRequest('teams', url, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(activity),
      timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    if (err instanceof VendorUnreachableError) return unreachable(err);
    throw err;
  }
  if (answer.status >= 200 && answer.status < 300) {
    const id = (answer.body as { id?: unknown } | undefined)?.id;
    return { success: true, ...(typeof id === 'string' && id && { providerMessageId: id }), metadata: { serviceUrl } };
  }
  return refusal(answer, onUnauthorized);
}

/** Bot Framework refusals: `{ error: { code, message } }` (`BotNotInConversationRoster`, `ConversationNotFound`…). */
function refusal(answer: HttpAnswer, onUnauthorized: () => void): ProviderResult {
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const message = typeof error?.message === 'string' ? error.message : typeof answer.body === 'string' ? answer.body.slice(0, 500) : undefined;
  const result = httpFailure(answer, { code, message });
  // Teams' rate-limit guidance lists 412 with 429/502/504 as worth a backed-off retry.
  if (answer.status === 412) return { ...result, metadata: { ...result.metadata, retryable: true } };
  if (answer.status === 401) {
    // Our token was refused (secret rotated, token revoked): drop it so the retry fetches a new one.
    onUnauthorized();
    return { ...result, metadata: { ...result.metadata, retryable: true } };
  }
  return result;
}
