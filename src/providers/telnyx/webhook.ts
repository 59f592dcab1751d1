/**
 * Telnyx messaging webhooks (SMS, MMS and RCS share one envelope: `{ data: { event_type, payload } }`).
 * `message.received` ⇒ an inbound message; `message.sent|delivered|failed|finalized|read` on an
 * outbound message ⇒ a delivery status. SMS text is `payload.text` with `payload.media[]`; RCS puts
 * it under `payload.body` (`text`, `user_file`, `suggestion_response`, `location`).
 */
import { jsonProblem } from '../../models/json.js';
import type { KeyObject } from 'node:crypto';
import { WebhookPayloadError } from '../../errors.js';
import type { DeliveryStatus, EventContent, InboundMessage } from '../../models/index.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';
import { telnyxPublicKey } from './config.js';
import { inboundContent, isoOrNull, type InboundMedia } from '../sms/content.js';
import { verifyTelnyxSignature } from './signature.js';

type Json = Record<string, unknown>;

export interface TelnyxWebhookOptions {
  /** The account's Ed25519 public key (base64 as Telnyx shows it, or PEM). */
  publicKey: string;
  toleranceSeconds?: number;
  /** Milliseconds since the epoch; tests pin it. */
  now?: () => number;
}

const STATUS_EVENTS = new Set(['message.sent', 'message.delivered', 'message.failed', 'message.finalized', 'message.read']);

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** `TelnyxWebhookOptions` with the key already decoded, or as text (then decoded on each call). */
export type TelnyxVerifyOptions = Omit<TelnyxWebhookOptions, 'publicKey'> & { publicKey: KeyObject | string };

function decodeKey(publicKey: KeyObject | string): KeyObject {
  if (typeof publicKey !== 'string') return publicKey;
  const key = telnyxPublicKey(publicKey);
  if (!key) throw new TypeError('telnyx publicKey must be the Ed25519 public key (base64 of 32 bytes, or PEM)');
  return key;
}

/**
 * Checks the Ed25519 signature of `${telnyx-timestamp}|${rawBody}` and the timestamp's freshness.
 * Throws `WebhookSignatureError` (401 missing headers, 403 wrong or stale); a `publicKey` that is
 * not an Ed25519 key is a `TypeError`.
 *
 * @example
 * verifyTelnyxWebhook(request, { publicKey: config.telnyxPublicKey });
 */
export function verifyTelnyxWebhook(request: WebhookRequest, options: TelnyxVerifyOptions): void {
  verifyTelnyxSignature(request, {
    publicKey: decodeKey(options.publicKey),
    toleranceSeconds: options.toleranceSeconds ?? 300,
    now: options.now,
  });
}

/**
 * A verified SMS/MMS/RCS webhook as data: `message.received` ⇒ `messages`, a status event on an
 * outbound message ⇒ `statuses`, the rest ⇒ `ignored`. Throws `WebhookPayloadError`.
 *
 * @example
 * const outcome = parseTelnyxWebhook(request, 'sms-main');
 */
export function parseTelnyxWebhook(request: WebhookRequest, channelId: string): WebhookOutcome {
  const raw = parseBody(request.rawBody);
  const data = raw.data;
  if (!isObject(data)) throw new WebhookPayloadError('telnyx', 'data', 'must be an object');
  const eventType = text(data.event_type);
  if (!eventType) throw new WebhookPayloadError('telnyx', 'data.event_type', 'must be a string');
  const payload = data.payload;
  if (!isObject(payload)) throw new WebhookPayloadError('telnyx', 'data.payload', 'must be an object');

  if (eventType === 'message.received') {
    if (payload.direction !== undefined && payload.direction !== 'inbound') {
      return { kind: 'ignored', reason: `telnyx message.received with direction ${String(payload.direction)}` };
    }
    return { kind: 'messages', messages: [inbound(raw, data, payload, channelId)] };
  }
  if (STATUS_EVENTS.has(eventType) && payload.direction !== 'inbound') {
    return { kind: 'statuses', statuses: [status(raw, data, eventType, payload, channelId)] };
  }
  return { kind: 'ignored', reason: `telnyx event ${eventType} is not a message or a delivery status` };
}

/**
 * @example
 * const handler = new TelnyxWebhookHandler({ publicKey: config.telnyxPublicKey });
 * await handler.verify(request);
 * const outcome = await handler.parse(request, 'sms-main');
 */
export class TelnyxWebhookHandler implements WebhookHandler {
  readonly provider = 'telnyx';
  private readonly options: TelnyxVerifyOptions;

  constructor(options: TelnyxWebhookOptions) {
    // Decoded once, so a bad key fails at construction rather than on the first webhook.
    this.options = { ...options, publicKey: decodeKey(options.publicKey) };
  }

  verify(request: WebhookRequest): void {
    verifyTelnyxWebhook(request, this.options);
  }

  parse(request: WebhookRequest, channelId: string): WebhookOutcome {
    return parseTelnyxWebhook(request, channelId);
  }
}

function parseBody(rawBody: Buffer): Json {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError('telnyx', 'body', 'is not JSON');
  }
  if (!isObject(parsed)) throw new WebhookPayloadError('telnyx', 'body', 'must be a JSON object');
  // Walked without recursion: hostile nesting is refused before any recursive read overflows the stack.
  const problem = jsonProblem(parsed);
  if (problem) throw new WebhookPayloadError('telnyx', 'body', problem);
  return parsed;
}

function messageId(payload: Json): string {
  const id = text(payload.id);
  if (!id) throw new WebhookPayloadError('telnyx', 'data.payload.id', 'must be a non-empty string');
  return id;
}

function inbound(raw: Json, data: Json, payload: Json, channelId: string): InboundMessage {
  const id = messageId(payload);
  const from = isObject(payload.from) ? text(payload.from.phone_number) : undefined;
  if (!from) throw new WebhookPayloadError('telnyx', 'data.payload.from.phone_number', 'must be a non-empty string');
  const to = Array.isArray(payload.to) && isObject(payload.to[0]) ? payload.to[0] : {};
  const { content, extra } = isObject(payload.body) ? rcsContent(payload.body) : smsContent(payload);
  return {
    channelId,
    senderId: from,
    content,
    externalId: id,
    providerMessageId: id,
    idempotencyKey: id,
    rawPayload: raw,
    metadata: {
      provider: 'telnyx',
      // RCS replies arrive at the agent, SMS at a number.
      recipient: text(to.phone_number) ?? text(to.agent_id) ?? '',
      timestamp: isoOrNull(payload.received_at ?? data.occurred_at),
      ...(text(payload.type) && { messageType: text(payload.type) }),
      ...extra,
    },
  };
}

function smsContent(payload: Json): { content: EventContent; extra: Json } {
  const media: InboundMedia[] = [];
  if (payload.media !== undefined && !Array.isArray(payload.media)) {
    throw new WebhookPayloadError('telnyx', 'data.payload.media', 'must be an array');
  }
  for (const item of (payload.media as unknown[] | undefined) ?? []) {
    if (isObject(item) && text(item.url)) media.push({ url: item.url as string, mimeType: text(item.content_type) });
  }
  return { content: inboundContent(text(payload.text) ?? '', media), extra: {} };
}

/** RCS bodies follow Google RBM: one of text, a file, a tapped suggestion or a shared location. */
function rcsContent(body: Json): { content: EventContent; extra: Json } {
  if (isObject(body.suggestion_response)) {
    const reply = body.suggestion_response;
    const postback = text(reply.postback_data);
    return {
      content: { type: 'text', body: text(reply.text) ?? postback ?? '' },
      extra: { suggestionResponse: true, ...(postback !== undefined && { postbackData: postback }) },
    };
  }
  if (isObject(body.location)) {
    const { latitude, longitude } = body.location;
    if (typeof latitude !== 'number' || typeof longitude !== 'number') {
      throw new WebhookPayloadError('telnyx', 'data.payload.body.location', 'needs numeric latitude and longitude');
    }
    return { content: { type: 'location', latitude, longitude }, extra: {} };
  }
  if (isObject(body.user_file)) {
    const file = isObject(body.user_file.payload) ? body.user_file.payload : {};
    const url = text(file.file_uri);
    if (!url) throw new WebhookPayloadError('telnyx', 'data.payload.body.user_file.payload.file_uri', 'must be a string');
    return {
      content: { type: 'media', url, mimeType: text(file.mime_type) ?? 'application/octet-stream', ...(text(file.file_name) && { filename: text(file.file_name) }) },
      extra: {},
    };
  }
  return { content: { type: 'text', body: text(body.text) ?? '' }, extra: {} };
}

function status(raw: Json, data: Json, eventType: string, payload: Json, channelId: string): DeliveryStatus {
  const id = messageId(payload);
  const recipient = Array.isArray(payload.to) && isObject(payload.to[0]) ? payload.to[0] : {};
  const from = isObject(payload.from) ? payload.from : {};
  const error = Array.isArray(payload.errors) && isObject(payload.errors[0]) ? payload.errors[0] : undefined;
  const code = error && (typeof error.code === 'string' || typeof error.code === 'number') ? String(error.code) : undefined;
  const timestamp = isoOrNull(payload.completed_at ?? payload.sent_at ?? data.occurred_at);
  return {
    channelId,
    provider: 'telnyx',
    messageId: id,
    // `message.finalized` only says "no more updates": the recipient's status says what happened.
    status: (text(recipient.status) ?? eventType.slice('message.'.length)).toLowerCase(),
    recipient: text(recipient.phone_number) ?? '',
    sender: text(from.phone_number) ?? text(from.agent_id) ?? '',
    ...(code !== undefined && { errorCode: code }),
    ...(error && (text(error.detail) ?? text(error.title)) && { errorMessage: text(error.detail) ?? text(error.title) }),
    ...(timestamp && { timestamp }),
    raw,
  };
}
