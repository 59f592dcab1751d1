/**
 * What every HTTP vendor client shares: a bounded request and one mapping from a vendor's answer to
 * a `ProviderResult`. Vendors differ in where their error code sits, so they pass `codeOf`; the
 * retry decision is the same everywhere (Temporal owns retries, so vendor SDK retries stay off).
 */
import type { ProviderResult } from '../models/index.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body was JSON, else the text. */
  body: unknown;
}

/**
 * One URL path segment, percent-encoded. A vendor id or address is untrusted text: a lone UTF-16
 * surrogate (possible in any JSON string) makes `encodeURIComponent` throw `URIError`, so it becomes
 * U+FFFD first and the vendor answers "not found" rather than the webhook crashing.
 */
export function pathSegment(value: string): string {
  return encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** A vendor request that could not be answered (DNS, refused connection, timeout). */
export class VendorUnreachableError extends Error {
  constructor(readonly provider: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`${provider} unreachable: ${reason}`, options);
    this.name = 'VendorUnreachableError';
  }
}

/** `fetch` with a deadline; the answer's body is read (JSON when it parses). */
export async function vendorRequest(
  provider: string,
  url: string,
  init: RequestInit & { timeoutMs: number },
): Promise<HttpAnswer> {
  const { timeoutMs, ...rest } = init;
  let response: Response;
  try {
    response = await fetch(url, { ...rest, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : String((err as Error).cause ?? err);
    throw new VendorUnreachableError(provider, reason, { cause: err });
  }
  const text = await response.text();
  let body: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      /* a vendor that says JSON and sends something else: keep the text for the error message */
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/** 408, 425, 429 and 5xx are worth retrying; any other 4xx is the vendor saying no for good. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/** `Retry-After` (seconds or an HTTP date) in milliseconds, if present and sane. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * A refused send as a `ProviderResult`: `metadata.code` is the vendor's own code when it gave one
 * (Twilio 21211, Meta 131047…), else `http_<status>`.
 */
export function httpFailure(
  answer: HttpAnswer,
  vendor: { code?: string | number; message?: string },
): ProviderResult {
  const code = vendor.code !== undefined && vendor.code !== '' ? String(vendor.code) : `http_${answer.status}`;
  const delay = retryAfterMs(answer.headers);
  return {
    success: false,
    error: vendor.message || `HTTP ${answer.status}`,
    metadata: {
      code,
      retryable: isRetryableStatus(answer.status),
      httpStatus: answer.status,
      ...(delay !== undefined && { retryAfterMs: delay }),
    },
  };
}

/** The vendor could not be reached: retryable, code `network_error`. */
export function unreachable(error: VendorUnreachableError): ProviderResult {
  return { success: false, error: error.message, metadata: { code: 'network_error', retryable: true } };
}

/** Nothing to send: refused before any request (RoomKit's `empty_message`). */
export const EMPTY_MESSAGE: ProviderResult = {
  success: false,
  error: 'empty_message',
  metadata: { code: 'empty_message', retryable: false },
};
