/**
 * Facebook Messenger Send API: `POST {graph}/{version}/{pageId|me}/messages?access_token=…` with
 * `recipient.id` (the user's PSID), `messaging_type` and `message`. Answers `{ recipient_id, message_id }`.
 * The same endpoint takes sender actions (typing, seen) instead of a `message`.
 */
import { createHmac } from 'node:crypto';
import type { ProviderResult } from '../../models/index.js';
import { unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import { graphUrl } from '../meta/config.js';
import { graphFailure, type GraphError } from '../meta/graph-error.js';
import type { MessengerConfig } from './config.js';
import type { MessengerMessage } from './payload.js';
import type { MessengerSendOptions } from './provider.js';
import { MESSENGER_WINDOW_CLOSED_MESSAGE, MESSENGER_WINDOW_CODE, MESSENGER_WINDOW_SUBCODE } from './window.js';

/**
 * Graph codes worth retrying whatever the HTTP status: 2 (unexpected, "retry later"), 4/17/32/613
 * (app, user, page and API rate limits), 1200 ("temporary send message failure"), 80001/80006
 * (Pages and Messenger business-use-case rate limits).
 */
export const MESSENGER_RETRYABLE_CODES: ReadonlySet<number> = new Set([2, 4, 17, 32, 613, 1200, 80001, 80006]);

const GRAPH_RULES = {
  retryableCodes: MESSENGER_RETRYABLE_CODES,
  explain: (error: GraphError) =>
    String(error.code) === MESSENGER_WINDOW_CODE && String(error.error_subcode) === MESSENGER_WINDOW_SUBCODE
      ? { message: MESSENGER_WINDOW_CLOSED_MESSAGE, metadata: { windowClosed: true } }
      : undefined,
};

/** The Send API URL, with the page token and (when configured) `appsecret_proof`. */
function sendUrl(config: MessengerConfig): string {
  const url = new URL(graphUrl(config, config.pageId, 'messages'));
  url.searchParams.set('access_token', config.pageAccessToken);
  if (config.appSecretProof && config.appSecret) {
    url.searchParams.set('appsecret_proof', createHmac('sha256', config.appSecret).update(config.pageAccessToken).digest('hex'));
  }
  return url.toString();
}

/** One Send API POST; a refusal or an unreachable Graph comes back as data. */
async function callSendApi(config: MessengerConfig, body: Record<string, unknown>): Promise<{ answer: HttpAnswer } | { failure: ProviderResult }> {
  let answer: HttpAnswer;
  try {
    answer = await vendorRequest('messenger', sendUrl(config), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    if (err instanceof VendorUnreachableError) return { failure: unreachable(err) };
    throw err;
  }
  if (answer.status < 200 || answer.status >= 300) return { failure: graphFailure(answer, GRAPH_RULES) };
  return { answer };
}

/** One Send API call for one message; a refusal comes back as data. */
export async function postMessage(
  config: MessengerConfig, options: MessengerSendOptions, message: MessengerMessage,
): Promise<ProviderResult> {
  const messagingType = options.tag ? 'MESSAGE_TAG' : options.messagingType ?? config.messagingType;
  const outcome = await callSendApi(config, {
    recipient: { id: options.to },
    messaging_type: messagingType,
    ...(options.tag && { tag: options.tag }),
    message,
  });
  if ('failure' in outcome) return outcome.failure;
  const { answer } = outcome;
  const id = (answer.body as { message_id?: unknown })?.message_id;
  if (typeof id !== 'string' || !id) {
    return { success: false, error: 'Messenger answered without message_id', metadata: { code: 'invalid_response', retryable: false, httpStatus: answer.status } };
  }
  return { success: true, providerMessageId: id };
}

/** What the Send API's `sender_action` takes besides reactions. */
export type MessengerSenderAction = 'typing_on' | 'typing_off' | 'mark_seen';

/**
 * A sender action: `{ recipient: { id }, sender_action }` and no `message` (Meta refuses both in one
 * call). Meta answers `{ recipient_id }` only: a sender action creates no message, so there is no id.
 */
export async function postSenderAction(config: MessengerConfig, to: string, action: MessengerSenderAction): Promise<ProviderResult> {
  const outcome = await callSendApi(config, { recipient: { id: to }, sender_action: action });
  return 'failure' in outcome ? outcome.failure : { success: true };
}
