/**
 * Vendor failures → {@link AIProviderError}. Temporal owns retries, so every provider funnels what
 * its SDK threw through here and the activity layer reads `retryable` / `retryAfterMs` /
 * `contextOverflow` off the result. Providers inspect their own SDK's error classes and hand over
 * plain {@link FailureFacts}; what is left (network errors, aborts, JSON syntax errors) is
 * recognised here by shape.
 */
import type { z } from 'zod';
import { AIProviderError, RETRYABLE_STATUS_CODES } from './base.js';

/** What a provider learned from its SDK's error, vendor-neutral. */
export interface FailureFacts {
  status?: number;
  headers?: HeadersLike;
  /** The vendor's own error message (body `error.message`). */
  vendorMessage?: string;
  /** The vendor's error code or type (`context_length_exceeded`, `overloaded_error`, `RESOURCE_EXHAUSTED`). */
  vendorCode?: string;
  /** A retry delay the vendor put in the body (Gemini `RetryInfo.retryDelay`). */
  retryDelayMs?: number;
  kind?: 'http' | 'connection' | 'timeout' | 'malformed';
}

export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

export interface ClassifyOptions {
  provider: string;
  /** Strings that must never appear in a message (the API key). */
  secrets?: readonly (string | undefined)[];
  /** Facts from the provider's SDK-aware inspection; absent ⇒ inferred from the error's shape. */
  facts?: FailureFacts;
}

/**
 * @example
 * try { await sdkCall(); } catch (err) { throw toAIProviderError(err, { provider: 'openai', secrets: [apiKey] }); }
 */
export function toAIProviderError(error: unknown, options: ClassifyOptions): AIProviderError {
  if (error instanceof AIProviderError) return error;
  const { provider } = options;
  const facts = mergeFacts(inferFacts(error), options.facts);
  const say = (text: string) => redact(`${provider}: ${text}`, options.secrets);

  if (facts.kind === 'malformed') {
    return new AIProviderError(say(`malformed response: ${facts.vendorMessage ?? describe(error)}`), {
      provider, retryable: false, statusCode: facts.status, cause: error,
    });
  }
  if (facts.kind === 'timeout') {
    return new AIProviderError(say('request timed out'), { provider, retryable: true, cause: error });
  }
  if (facts.kind === 'connection') {
    return new AIProviderError(say(`connection failed: ${describe(error)}`), { provider, retryable: true, cause: error });
  }
  if (facts.status !== undefined) {
    const { status } = facts;
    const detail = [facts.vendorCode, facts.vendorMessage].filter(Boolean).join(': ') || describe(error);
    const contextOverflow = isContextOverflow(status, facts.vendorCode, facts.vendorMessage);
    const retryable = !contextOverflow && RETRYABLE_STATUS_CODES.includes(status);
    const retryAfterMs = retryable ? (parseRetryAfter(facts.headers) ?? facts.retryDelayMs) : undefined;
    return new AIProviderError(say(`HTTP ${status}${detail ? ` ${detail}` : ''}`), {
      provider, statusCode: status, retryable, contextOverflow, retryAfterMs, cause: error,
    });
  }
  // Nothing recognisable: an SDK refusing its own configuration, or a bug. Retrying will not help.
  return new AIProviderError(say(describe(error)), { provider, retryable: false, cause: error });
}

/** A 2xx answer whose body is not what the vendor documents. */
export function malformedResponse(provider: string, detail: string, cause?: unknown): AIProviderError {
  return new AIProviderError(`${provider}: malformed response: ${detail}`, { provider, retryable: false, cause });
}

/** Why a 2xx body failed its wire schema, for {@link malformedResponse}. */
export function describeWireIssues(error: z.ZodError, raw: unknown): string {
  if (typeof raw === 'string') return 'body is not JSON';
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}

const OVERFLOW_CODES = new Set(['context_length_exceeded', 'prompt_too_long', 'model_context_window_exceeded']);
const OVERFLOW_WORDING =
  /prompt is too long|context[ _-]?(length|window|limit)|maximum context|exceeds the maximum number of tokens|input token count/i;

/**
 * The prompt did not fit the model. Only a 400/413 can mean that: 429 bodies also talk about
 * "tokens" (per minute), and those are rate limits.
 */
export function isContextOverflow(status: number | undefined, code?: string, message?: string): boolean {
  if (status !== 400 && status !== 413) return false;
  if (code && OVERFLOW_CODES.has(code)) return true;
  return message !== undefined && OVERFLOW_WORDING.test(message);
}

/**
 * `retry-after-ms` (milliseconds), else `Retry-After` as delta-seconds or an HTTP date.
 *
 * @example
 * parseRetryAfter(new Headers({ 'retry-after': '7' })); // 7000
 */
export function parseRetryAfter(headers: HeadersLike | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = Number(header(headers, 'retry-after-ms'));
  if (header(headers, 'retry-after-ms') !== undefined && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = header(headers, 'retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Google's protobuf duration strings (`"7s"`, `"0.250s"`). */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

function header(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value;
}

const NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH',
  'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** Shape-based facts for errors no SDK class explained. */
function inferFacts(error: unknown): FailureFacts {
  if (error instanceof SyntaxError) return { kind: 'malformed', vendorMessage: 'body is not valid JSON' };
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === 'TimeoutError') return { kind: 'timeout' };
    // fetch aborted by the SDK's own timer (the caller's aborts never reach this function).
    if (name === 'AbortError') return { kind: 'timeout' };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return { kind: 'connection' };
  }
  if (error instanceof TypeError && /fetch failed|terminated|network/i.test(error.message)) return { kind: 'connection' };
  return {};
}

function mergeFacts(base: FailureFacts, over: FailureFacts = {}): FailureFacts {
  const out: FailureFacts = { ...base };
  for (const [key, value] of Object.entries(over) as [keyof FailureFacts, never][]) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out;
}
