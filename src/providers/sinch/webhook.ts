/**
 * Sinch SMS callbacks: inbound messages (`mo_text`, `mo_media`) and delivery reports (per batch,
 * `delivery_report_sms|mms`, or per recipient, `recipient_delivery_report_sms|mms`). The batch id
 * is the message id our send reported.
 */
import { WebhookPayloadError } from '../../errors.js';
import type { DeliveryStatus, InboundMessage } from '../../models/index.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';
import { inboundContent, isoOrNull, type InboundMedia } from '../sms/content.js';
import { verifySinchSignature, type SinchSignatureScheme } from './signature.js';

type Json = Record<string, unknown>;

export interface SinchWebhookOptions {
  secret: string;
  scheme?: SinchSignatureScheme;
  toleranceSeconds?: number;
  now?: () => number;
}

/** Report statuses that mean the message will not arrive (Sinch "Delivery report statuses"). */
const FAILED = new Set(['aborted', 'rejected', 'failed', 'expired', 'cancelled', 'deleted', 'unknown']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Checks the signature on the raw body (and its freshness, for the `webhook` scheme). Throws
 * `WebhookSignatureError`: 401 when a header is missing, 403 when wrong or stale.
 *
 * @example
 * verifySinchWebhook(request, { secret: config.sinchWebhookSecret });
 */
export function verifySinchWebhook(request: WebhookRequest, options: SinchWebhookOptions): void {
  verifySinchSignature(request, {
    secret: options.secret,
    scheme: options.scheme ?? 'webhook',
    toleranceSeconds: options.toleranceSeconds ?? 300,
    now: options.now,
  });
}

/**
 * A verified callback as data: inbound `mo_*` ⇒ `messages`, delivery reports ⇒ `statuses`, the rest
 * ⇒ `ignored`. Throws `WebhookPayloadError` naming the offending field.
 *
 * @example
 * const outcome = parseSinchWebhook(request, 'sms-main');
 */
export function parseSinchWebhook(request: WebhookRequest, channelId: string): WebhookOutcome {
  const raw = parseBody(request.rawBody);
  const type = text(raw.type);
  if (!type) throw new WebhookPayloadError('sinch', 'type', 'must be a string');
  if (type === 'mo_text' || type === 'mo_media') return { kind: 'messages', messages: [inbound(raw, type, channelId)] };
  if (type === 'recipient_delivery_report_sms' || type === 'recipient_delivery_report_mms') {
    return { kind: 'statuses', statuses: [recipientReport(raw, channelId)] };
  }
  if (type === 'delivery_report_sms' || type === 'delivery_report_mms') {
    return { kind: 'statuses', statuses: batchReport(raw, channelId) };
  }
  return { kind: 'ignored', reason: `sinch callback ${type} is not handled` };
}

/**
 * @example
 * const handler = new SinchWebhookHandler({ secret: config.sinchWebhookSecret });
 * await handler.verify(request);
 * const outcome = await handler.parse(request, 'sms-main');
 */
export class SinchWebhookHandler implements WebhookHandler {
  readonly provider = 'sinch';

  constructor(private readonly options: SinchWebhookOptions) {}

  verify(request: WebhookRequest): void {
    verifySinchWebhook(request, this.options);
  }

  parse(request: WebhookRequest, channelId: string): WebhookOutcome {
    return parseSinchWebhook(request, channelId);
  }
}

function parseBody(rawBody: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('sinch', 'body', 'is not JSON');
  }
  if (!isObject(parsed)) throw new WebhookPayloadError('sinch', 'body', 'must be a JSON object');
  return parsed;
}

function required(raw: Json, field: string): string {
  const value = text(raw[field]);
  if (!value) throw new WebhookPayloadError('sinch', field, 'must be a non-empty string');
  return value;
}

function mediaOf(items: unknown): InboundMedia[] {
  if (!Array.isArray(items)) return [];
  return items
    .filter(isObject)
    .filter((m) => typeof m.url === 'string' && m.url !== '')
    .map((m) => ({ url: m.url as string, mimeType: text(m.mimeType) ?? text(m.contentType) ?? text(m.content_type) }));
}

function inbound(raw: Json, type: string, channelId: string): InboundMessage {
  const id = required(raw, 'id');
  const from = required(raw, 'from');
  let body = '';
  let media = mediaOf(raw.media);
  if (type === 'mo_text') {
    body = text(raw.body) ?? '';
  } else if (isObject(raw.body)) {
    // mo_media: `body` is `{ subject?, message?, media: [{ url, contentType, … }] }`.
    body = text(raw.body.message) ?? text(raw.body.subject) ?? '';
    media = [...media, ...mediaOf(raw.body.media)];
  } else {
    throw new WebhookPayloadError('sinch', 'body', 'must be an object for mo_media');
  }
  return {
    channelId,
    senderId: from,
    content: inboundContent(body, media),
    externalId: id,
    providerMessageId: id,
    idempotencyKey: id,
    rawPayload: raw,
    metadata: {
      provider: 'sinch',
      recipient: text(raw.to) ?? '',
      timestamp: isoOrNull(raw.received_at),
      ...(text(raw.operator_id) && { operatorId: text(raw.operator_id) }),
      ...(text(raw.client_reference) && { clientReference: text(raw.client_reference) }),
    },
  };
}

function codeOf(value: unknown, status: string): string | undefined {
  return FAILED.has(status) && (typeof value === 'number' || typeof value === 'string') ? String(value) : undefined;
}

function recipientReport(raw: Json, channelId: string): DeliveryStatus {
  const status = required(raw, 'status').toLowerCase();
  const code = codeOf(raw.code, status);
  const timestamp = isoOrNull(raw.operator_status_at ?? raw.at);
  return {
    channelId,
    provider: 'sinch',
    messageId: required(raw, 'batch_id'),
    status,
    recipient: text(raw.recipient) ?? '',
    ...(text(raw.applied_originator) && { sender: text(raw.applied_originator) }),
    ...(code !== undefined && { errorCode: code, errorMessage: `sinch delivery status ${status} (code ${code})` }),
    ...(timestamp && { timestamp }),
    raw,
  };
}

/** A recipient is a phone number (a string, or a number); anything else is refused, never stringified. */
function recipientOf(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  throw new WebhookPayloadError('sinch', 'statuses.recipients', 'must be phone numbers');
}

/** A batch report lists recipients per status (full) or only counts (summary: one status each). */
function batchReport(raw: Json, channelId: string): DeliveryStatus[] {
  const batchId = required(raw, 'batch_id');
  if (!Array.isArray(raw.statuses)) throw new WebhookPayloadError('sinch', 'statuses', 'must be an array');
  return raw.statuses.filter(isObject).flatMap((entry) => {
    const status = text(entry.status)?.toLowerCase();
    if (!status) throw new WebhookPayloadError('sinch', 'statuses.status', 'must be a string');
    const code = codeOf(entry.code, status);
    const recipients = Array.isArray(entry.recipients) && entry.recipients.length > 0 ? entry.recipients.map(recipientOf) : [''];
    return recipients.map((recipient): DeliveryStatus => ({
      channelId,
      provider: 'sinch',
      messageId: batchId,
      status,
      recipient,
      ...(code !== undefined && { errorCode: code, errorMessage: `sinch delivery status ${status} (code ${code})` }),
      raw,
    }));
  });
}
