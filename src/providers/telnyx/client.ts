/** Telnyx wire I/O shared by the SMS and RCS providers: the request with Bearer auth and Telnyx's error shape. */
import { createHash } from 'node:crypto';
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';

export interface TelnyxHttpConfig {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
}

/** `{ errors: [{ code, title, detail }] }` ⇒ the first error's code and detail. */
export function telnyxError(body: unknown): { code?: string; message?: string } {
  const first = (body as { errors?: Array<{ code?: unknown; title?: unknown; detail?: unknown }> } | undefined)?.errors?.[0];
  if (!first) return { message: typeof body === 'string' ? body.slice(0, 200) : undefined };
  const code = typeof first.code === 'string' || typeof first.code === 'number' ? String(first.code) : undefined;
  const message = [first.title, first.detail].filter((s): s is string => typeof s === 'string' && s !== '').join(': ');
  return { code, message: message || undefined };
}

/**
 * Telnyx keys: `^[A-Za-z0-9_:-]{1,255}$`. Ours (`room:index:channel`) usually fit; anything else is
 * hashed so the same delivery still maps to the same key.
 */
export function telnyxIdempotencyKey(key: string | undefined): string | undefined {
  if (!key) return undefined;
  return /^[A-Za-z0-9_:-]{1,255}$/.test(key) ? key : createHash('sha256').update(key).digest('hex');
}

export type TelnyxCall = { ok: true; answer: HttpAnswer } | { ok: false; result: ProviderResult };

/** One JSON call; a refusal or an unreachable vendor comes back as a ready `ProviderResult`. */
export async function telnyxCall(
  config: TelnyxHttpConfig,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  idempotencyKey?: string,
): Promise<TelnyxCall> {
  const headers: Record<string, string> = { authorization: `Bearer ${config.apiKey}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const key = telnyxIdempotencyKey(idempotencyKey);
  if (key) headers['idempotency-key'] = key;
  let answer: HttpAnswer;
  try {
    answer = await vendorRequest('telnyx', `${config.baseUrl.replace(/\/+$/, '')}${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: config.timeoutMs,
    });
  } catch (err) {
    if (err instanceof VendorUnreachableError) return { ok: false, result: unreachable(err) };
    throw err;
  }
  if (answer.status >= 200 && answer.status < 300) return { ok: true, answer };
  return { ok: false, result: httpFailure(answer, telnyxError(answer.body)) };
}

/** The `data.id` of an accepted message. */
export function telnyxMessageId(body: unknown): string | undefined {
  const id = (body as { data?: { id?: unknown } } | undefined)?.data?.id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Accepted but no id: we cannot track it, and retrying could send it twice. */
export const NO_MESSAGE_ID: ProviderResult = {
  success: false,
  error: 'telnyx accepted the message but returned no data.id',
  metadata: { code: 'invalid_response', retryable: false },
};
