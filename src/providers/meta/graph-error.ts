/**
 * Graph API refusals: `{ error: { message, type, code, error_subcode, error_data, fbtrace_id } }`.
 * Meta says to decide on `code`, not on the HTTP status: throttling often comes back as HTTP 400
 * (WhatsApp 130429, Messenger 613), so each vendor lists its retryable codes and the status-based
 * rule of `httpFailure` is corrected with them.
 */
import type { ProviderResult } from '../../models/index.js';
import { httpFailure, type HttpAnswer } from '../http.js';

export interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string; messaging_product?: string };
  fbtrace_id?: string;
}

/** What a vendor says about its own codes. */
export interface GraphErrorRules {
  /** Codes worth retrying whatever the HTTP status (rate limits, temporary outages). */
  retryableCodes: ReadonlySet<number>;
  /** A refusal that needs a clearer message (e.g. the 24-hour window); always non-retryable. */
  explain?: (error: GraphError) => { message: string; metadata?: Record<string, unknown> } | undefined;
}

/** The `error` object of a Graph answer, if the body has one. */
export function graphErrorOf(body: unknown): GraphError | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  return error && typeof error === 'object' ? (error as GraphError) : undefined;
}

function describe(error: GraphError | undefined, body: unknown): string | undefined {
  if (!error) return typeof body === 'string' && body ? body.slice(0, 500) : undefined;
  const details = error.error_data?.details;
  if (error.message && details && !error.message.includes(details)) return `${error.message}: ${details}`;
  return error.message ?? details;
}

/** A refused Graph call as a `ProviderResult`: `metadata.code` = `String(error.code)`. */
export function graphFailure(answer: HttpAnswer, rules: GraphErrorRules): ProviderResult {
  const error = graphErrorOf(answer.body);
  const explained = error ? rules.explain?.(error) : undefined;
  const result = httpFailure(answer, { code: error?.code, message: explained?.message ?? describe(error, answer.body) });
  const metadata = { ...result.metadata };
  if (typeof error?.code === 'number' && rules.retryableCodes.has(error.code)) metadata.retryable = true;
  if (explained) Object.assign(metadata, explained.metadata, { retryable: false });
  if (error?.error_subcode !== undefined) metadata.errorSubcode = String(error.error_subcode);
  if (error?.type) metadata.errorType = error.type;
  if (error?.fbtrace_id) metadata.fbtraceId = error.fbtrace_id;
  return { ...result, metadata };
}
