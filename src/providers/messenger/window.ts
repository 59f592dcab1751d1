/**
 * Messenger's 24-hour standard messaging window: outside it a Page may only send with a message tag
 * (`messaging_type: MESSAGE_TAG` + `tag`); Meta refuses otherwise with code 10, subcode 2018278.
 */
import type { ProviderResult } from '../../models/index.js';

export const MESSENGER_WINDOW_CODE = '10';
export const MESSENGER_WINDOW_SUBCODE = '2018278';

export const MESSENGER_WINDOW_CLOSED_MESSAGE =
  'Messenger 24-hour standard messaging window is closed: the user last wrote more than 24 hours ago, so Meta ' +
  'refuses this message (code 10, subcode 2018278 "sent outside of allowed window"). Send it with a message tag ' +
  '(send option messagingType "MESSAGE_TAG" and tag, e.g. ACCOUNT_UPDATE, CONFIRMED_EVENT_UPDATE, ' +
  'POST_PURCHASE_UPDATE or HUMAN_AGENT) or wait for the user to write again.';

export function messengerWindowClosedResult(extra: Record<string, unknown> = {}): ProviderResult {
  return {
    success: false,
    error: MESSENGER_WINDOW_CLOSED_MESSAGE,
    metadata: { code: MESSENGER_WINDOW_CODE, errorSubcode: MESSENGER_WINDOW_SUBCODE, retryable: false, windowClosed: true, ...extra },
  };
}
