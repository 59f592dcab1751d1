/**
 * The part of a Meta webhook handler both vendors share: GET is the verify-token handshake, POST is
 * signed with the app secret and carries JSON. Each vendor passes only its body parser.
 */
import { jsonProblem } from '../../models/json.js';
import type { z } from 'zod';
import { WebhookPayloadError } from '../../errors.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';
import { handshakeReply, isHandshake, verifyHandshake } from './handshake.js';
import { verifyHubSignature } from './signature.js';

export interface MetaWebhookOptions {
  provider: string;
  appSecret: string;
  verifyToken?: string;
  /** Parses a verified JSON body; `payload` is the body as an object. */
  parseBody(payload: Record<string, unknown>, channelId: string): WebhookOutcome;
}

/** Meta wants a 200 quickly; any body will do. */
export const META_ACK = { status: 200, contentType: 'text/plain', body: 'EVENT_RECEIVED' } as const;

/** What verifying a Meta webhook needs: the app secret (POST) and the verify token (GET handshake). */
export type MetaVerifyOptions = Pick<MetaWebhookOptions, 'appSecret' | 'verifyToken'>;

/**
 * GET is the verify-token handshake, POST must carry `X-Hub-Signature-256` over the raw body.
 * Throws `WebhookSignatureError` (401 missing, 403 wrong).
 */
export function verifyMetaWebhook(provider: string, request: WebhookRequest, options: MetaVerifyOptions): void {
  if (isHandshake(request)) verifyHandshake(provider, request, options.verifyToken);
  else verifyHubSignature(provider, request, options.appSecret);
}

/** The handshake's challenge reply, or the JSON body handed to the vendor's `parseBody`. */
export function parseMetaWebhook(
  provider: string,
  request: WebhookRequest,
  channelId: string,
  parseBody: MetaWebhookOptions['parseBody'],
): WebhookOutcome {
  if (isHandshake(request)) return handshakeReply(provider, request);
  return parseBody(parseJsonObject(provider, request.rawBody), channelId);
}

export function createMetaWebhookHandler(options: MetaWebhookOptions): WebhookHandler {
  const { provider } = options;
  return {
    provider,
    ack: META_ACK,
    verify: (request: WebhookRequest): void => verifyMetaWebhook(provider, request, options),
    parse: (request: WebhookRequest, channelId: string): WebhookOutcome => parseMetaWebhook(provider, request, channelId, options.parseBody),
  };
}

export function parseJsonObject(provider: string, rawBody: Buffer): Record<string, unknown> {
  let payload: unknown;
  try {
    payload = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError(provider, 'body', 'is not JSON');
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new WebhookPayloadError(provider, 'body', 'must be a JSON object');
  }
  // Walked without recursion: a body nested thousands of levels deep is refused here, before any
  // recursive read of it could overflow the stack.
  const problem = jsonProblem(payload);
  if (problem) throw new WebhookPayloadError(provider, 'body', problem);
  return payload as Record<string, unknown>;
}

/** Unix seconds (Meta sends them as strings or numbers) or milliseconds ⇒ ISO-8601. */
export function isoTime(value: unknown, unit: 's' | 'ms'): string | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return undefined;
  const date = new Date(unit === 's' ? n * 1000 : n);
  // Outside the Date range (±8.64e15 ms) there is no such instant: treated like a missing one.
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The array at `value`, or a payload error naming `field`. Absent ⇒ empty. */
export function arrayAt(provider: string, value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new WebhookPayloadError(provider, field, 'must be an array');
  return value;
}

export function objectAt(provider: string, value: unknown, field: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new WebhookPayloadError(provider, field, 'must be an object');
  }
  return value as Record<string, unknown>;
}

export function stringAt(provider: string, value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new WebhookPayloadError(provider, field, 'must be a non-empty string');
  return value;
}

/**
 * `value` checked against a zod schema; the first issue becomes a payload error naming its full path
 * under `field` (`entry[0].messaging[0].read.watermark`), so a malformed event is refused with a
 * 400 that says what is wrong instead of crashing further in.
 */
export function parsedAt<S extends z.ZodType>(provider: string, schema: S, value: unknown, field: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.reduce<string>((at, key) => (typeof key === 'number' ? `${at}[${key}]` : `${at}.${String(key)}`), field);
  throw new WebhookPayloadError(provider, path, issue.message);
}
