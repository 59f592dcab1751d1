/**
 * Elastic Email over its v2 HTTP API: a form POST to `/v2/email/send` with the API key in the body
 * (`apikey, from, fromName, to, subject, bodyText, bodyHtml, isTransactional`). The answer is
 * `{ success: true, data: { transactionid, messageid } }`, or `{ success: false, error: "…" }`, often
 * with HTTP 200, so the body, not the status, says whether the mail was accepted.
 *
 * Limits of this API kept as they are: no idempotency key (a retried activity after a lost answer
 * can send twice), no threading headers, no attachments without an upload step (media go as links).
 */
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import type { ElasticEmailConfig } from './config.js';

/** Refusals Elastic Email words as "not now" rather than "no": worth a retry. */
const TRANSIENT = /too many|rate limit|try again|temporar|timeout|unavailable|busy/i;

/** The form POST to `/v2/email/send`, its answer read from the body (HTTP 200 can still be a refusal). */
export async function postSend(config: ElasticEmailConfig, form: URLSearchParams): Promise<ProviderResult> {
  let answer: HttpAnswer;
  try {
    answer = await vendorRequest('elasticemail', `${config.baseUrl.replace(/\/$/, '')}/v2/email/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    if (err instanceof VendorUnreachableError) return unreachable(err);
    throw err;
  }
  return interpret(answer);
}

interface V2Answer {
  success?: boolean;
  error?: string;
  data?: { transactionid?: string; messageid?: string };
}

function interpret(answer: HttpAnswer): ProviderResult {
  const body = (typeof answer.body === 'object' && answer.body !== null ? answer.body : {}) as V2Answer;
  const message = body.error ?? (typeof answer.body === 'string' && answer.body ? answer.body.slice(0, 300) : undefined);
  if (answer.status >= 300) return httpFailure(answer, { message });
  const transactionId = body.data?.transactionid;
  if (body.success === true && transactionId) {
    return {
      success: true, providerMessageId: transactionId,
      metadata: { transactionId, ...(body.data?.messageid && { messageId: body.data.messageid }) },
    };
  }
  // HTTP 200 with success:false is a refusal; v2 gives words, not codes.
  const error = message ?? 'Elastic Email answered without success or transactionid';
  const retryable = TRANSIENT.test(error);
  return { success: false, error, metadata: { code: 'elasticemail_refused', retryable, httpStatus: answer.status } };
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
