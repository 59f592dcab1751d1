/**
 * WhatsApp's 24-hour customer-service window: free-form messages are allowed only within 24 hours
 * of the user's last message; outside it Meta refuses them with error 131047 ("Re-engagement
 * message") and only approved templates go through. Retrying never helps, so the refusal is final
 * and says what to do instead.
 */
import type { ProviderResult } from '../../models/index.js';

export { isWindowClosed, lastInboundMs, SERVICE_WINDOW_MS } from '../meta/window.js';

/** Meta's Cloud API code for a free-form message outside the window. */
export const WINDOW_CLOSED_CODE = '131047';
/** The On-Premises API's code for the same refusal; some BSPs still relay it. */
export const LEGACY_WINDOW_CLOSED_CODE = '470';

export const WINDOW_CLOSED_MESSAGE =
  'WhatsApp 24-hour customer-service window is closed: the user last wrote more than 24 hours ago, so Meta ' +
  'refuses free-form messages (error 131047 "Re-engagement message"). Send an approved template instead ' +
  '(content { type: "template", templateId, parameters } or WhatsAppProvider.sendTemplate); the window ' +
  'reopens when the user writes again.';

/** The refusal, whether decided locally or reported by Meta. */
export function windowClosedResult(extra: Record<string, unknown> = {}): ProviderResult {
  return {
    success: false,
    error: WINDOW_CLOSED_MESSAGE,
    metadata: { code: WINDOW_CLOSED_CODE, retryable: false, windowClosed: true, ...extra },
  };
}
