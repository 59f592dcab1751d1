/**
 * Sinch SMS: `POST {baseUrl}/xms/v1/{servicePlanId}/batches` with a Bearer token, one recipient
 * per batch. A media URL makes it an `mt_media` batch (Sinch MMS). The batch id is the message id
 * delivery reports refer to.
 */
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, pathSegment, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import { sinchBaseUrl, type SinchConfig } from './config.js';

/** `{ code, text }` (SMS REST API) or `{ error: { code, message } }` (gateway) ⇒ code and message. */
export function sinchError(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return { message: typeof body === 'string' ? body.slice(0, 200) : undefined };
  const record = body as { code?: unknown; text?: unknown; error?: { code?: unknown; message?: unknown; status?: unknown } };
  if (typeof record.code === 'string' || typeof record.code === 'number') {
    return { code: String(record.code), message: typeof record.text === 'string' ? record.text : undefined };
  }
  const inner = record.error;
  if (inner && typeof inner === 'object') {
    const code = typeof inner.status === 'string' ? inner.status : typeof inner.code === 'number' ? String(inner.code) : undefined;
    return { code, message: typeof inner.message === 'string' ? inner.message : undefined };
  }
  return {};
}

/** `POST …/xms/v1/{servicePlanId}/batches` with one batch body; the batch id is the message id. */
export async function postBatch(config: SinchConfig, body: object): Promise<ProviderResult> {
  let answer: HttpAnswer;
  try {
    answer = await vendorRequest('sinch', `${sinchBaseUrl(config)}/xms/v1/${pathSegment(config.servicePlanId)}/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    if (err instanceof VendorUnreachableError) return unreachable(err);
    throw err;
  }
  if (answer.status < 200 || answer.status >= 300) return httpFailure(answer, sinchError(answer.body));
  const id = (answer.body as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || id === '') {
    return { success: false, error: 'sinch accepted the batch but returned no id', metadata: { code: 'invalid_response', retryable: false } };
  }
  return { success: true, providerMessageId: id };
}
