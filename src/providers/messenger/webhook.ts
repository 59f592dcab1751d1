/**
 * Messenger webhooks: `object: page`, `entry[].messaging[]`. Following RoomKit's
 * `parse_messenger_webhook`, only `message.text` becomes an inbound message: echoes of our own
 * sends (`is_echo`), attachment-only messages and postbacks are skipped.
 *
 * Receipts become `DeliveryStatus`es: each `delivery.mids[]` a `delivered` status for that mid. A
 * `read` event (and a `delivery` without `mids`, which Meta allows) names no message: it says every
 * message the Page sent to that user up to `watermark` (epoch ms) was read (delivered). It becomes
 * ONE status with `messageId` = `watermark:<ms>` and `timestamp` = the watermark as ISO-8601. That id
 * matches no sent message on purpose, so the kit routes the status by its `recipient` (the user's
 * PSID); a consumer that wants per-message receipts marks every message to that user sent at or
 * before the timestamp. Use `messengerWatermark(status)` to read it back.
 */
import { z } from 'zod';
import { WebhookPayloadError } from '../../errors.js';
import type { DeliveryStatus, InboundMessage, JsonRecord } from '../../models/index.js';
import {
  arrayAt, createMetaWebhookHandler, isoTime, objectAt, parsedAt, parseMetaWebhook, stringAt, verifyMetaWebhook,
  type MetaVerifyOptions,
} from '../meta/webhook.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';

const PROVIDER = 'messenger';

export interface MessengerWebhookOptions {
  appSecret: string;
  verifyToken?: string;
}

type Obj = Record<string, unknown>;

/** The `messageId` prefix of a receipt that covers everything up to a watermark. */
export const MESSENGER_WATERMARK_PREFIX = 'watermark:';

/** Epoch milliseconds; Meta sends a number (a digit string is taken too). */
const Millis = z
  .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
  .refine((ms) => Number.isSafeInteger(ms) && ms >= 0 && isoTime(ms, 'ms') !== undefined, 'must be epoch milliseconds');

/** The user (a PSID) and the Page of a receipt; the user is how the status finds its room. */
const Receipt = z.looseObject({
  sender: z.looseObject({ id: z.string().min(1) }),
  recipient: z.looseObject({ id: z.string().min(1) }).optional(),
});
const Read = z.looseObject({ watermark: Millis });
const Delivery = z.looseObject({ mids: z.array(z.string().min(1)).optional(), watermark: Millis.optional() });

/** The watermark (epoch ms) of a `watermark:<ms>` status, else undefined (a status about one mid). */
export function messengerWatermark(status: { messageId: string }): number | undefined {
  if (!status.messageId.startsWith(MESSENGER_WATERMARK_PREFIX)) return undefined;
  const ms = Number(status.messageId.slice(MESSENGER_WATERMARK_PREFIX.length));
  return Number.isSafeInteger(ms) ? ms : undefined;
}

export function createMessengerWebhook(options: MessengerWebhookOptions): WebhookHandler {
  return createMetaWebhookHandler({
    provider: PROVIDER,
    appSecret: options.appSecret,
    verifyToken: options.verifyToken,
    parseBody: parseMessengerPayload,
  });
}

/**
 * GET: the verify-token handshake; POST: `X-Hub-Signature-256` with the app secret. Throws
 * `WebhookSignatureError` (401 missing, 403 wrong).
 *
 * @example
 * verifyMessengerWebhook(request, { appSecret, verifyToken });
 */
export function verifyMessengerWebhook(request: WebhookRequest, options: MetaVerifyOptions): void {
  verifyMetaWebhook(PROVIDER, request, options);
}

/**
 * A verified request as data: the handshake's `reply`, or the body's text messages and delivery
 * receipts.
 *
 * @example
 * const outcome = parseMessengerWebhook(request, 'messenger-main');
 */
export function parseMessengerWebhook(request: WebhookRequest, channelId: string): WebhookOutcome {
  return parseMetaWebhook(PROVIDER, request, channelId, parseMessengerPayload);
}

export function parseMessengerPayload(payload: Obj, channelId: string): WebhookOutcome {
  if (payload.object !== 'page') {
    throw new WebhookPayloadError(PROVIDER, 'object', `expected page, got ${typeof payload.object === 'string' ? JSON.stringify(payload.object) : typeof payload.object}`);
  }
  const messages: InboundMessage[] = [];
  const statuses: DeliveryStatus[] = [];
  arrayAt(PROVIDER, payload.entry, 'entry').forEach((rawEntry, e) => {
    const entry = objectAt(PROVIDER, rawEntry, `entry[${e}]`);
    arrayAt(PROVIDER, entry.messaging, `entry[${e}].messaging`).forEach((raw, m) => {
      const field = `entry[${e}].messaging[${m}]`;
      const event = objectAt(PROVIDER, raw, field);
      if (event.message !== undefined) {
        const inbound = toInbound(event, field, channelId, payload);
        if (inbound) messages.push(inbound);
      } else if (event.delivery !== undefined) {
        statuses.push(...deliveryStatuses(event, field, channelId));
      } else if (event.read !== undefined) {
        statuses.push(readStatus(event, field, channelId));
      }
    });
  });
  if (messages.length) return { kind: 'messages', messages, ...(statuses.length && { statuses }) };
  if (statuses.length) return { kind: 'statuses', statuses };
  return { kind: 'ignored', reason: 'no text messages, delivery or read receipts in the payload' };
}

function toInbound(event: Obj, field: string, channelId: string, payload: Obj): InboundMessage | undefined {
  const message = objectAt(PROVIDER, event.message, `${field}.message`);
  if (message.is_echo === true) return undefined; // our own send, echoed back
  if (typeof message.text !== 'string' || message.text === '') return undefined; // attachment-only, stickers…
  const mid = stringAt(PROVIDER, message.mid, `${field}.message.mid`);
  const sender = objectAt(PROVIDER, event.sender, `${field}.sender`);
  const senderId = stringAt(PROVIDER, sender.id, `${field}.sender.id`);
  const pageId = (event.recipient as Obj | undefined)?.id;
  const quickReply = (message.quick_reply as Obj | undefined)?.payload;
  const replyTo = (message.reply_to as Obj | undefined)?.mid;
  const metadata: JsonRecord = {
    provider: PROVIDER,
    recipient: typeof pageId === 'string' ? pageId : null,
    timestamp: isoTime(event.timestamp, 'ms') ?? null,
    ...(typeof quickReply === 'string' && { quickReplyPayload: quickReply }),
    ...(typeof replyTo === 'string' && { replyTo }),
  };
  return {
    channelId,
    senderId,
    content: { type: 'text', body: message.text },
    externalId: mid,
    idempotencyKey: mid,
    providerMessageId: mid,
    rawPayload: payload,
    metadata,
  };
}

/** Who a receipt is about: the webhook's sender is the user our messages went to, its recipient our Page. */
function parties(event: Obj, field: string): { recipient: string; sender: string } {
  const receipt = parsedAt(PROVIDER, Receipt, event, field);
  return { recipient: receipt.sender.id, sender: receipt.recipient?.id ?? '' };
}

function watermarkStatus(status: 'read' | 'delivered', watermark: number, event: Obj, field: string, channelId: string): DeliveryStatus {
  return {
    channelId,
    provider: PROVIDER,
    messageId: `${MESSENGER_WATERMARK_PREFIX}${watermark}`,
    status,
    ...parties(event, field),
    timestamp: isoTime(watermark, 'ms')!,
    raw: event,
  };
}

function readStatus(event: Obj, field: string, channelId: string): DeliveryStatus {
  const read = parsedAt(PROVIDER, Read, event.read, `${field}.read`);
  return watermarkStatus('read', read.watermark, event, field, channelId);
}

function deliveryStatuses(event: Obj, field: string, channelId: string): DeliveryStatus[] {
  const delivery = parsedAt(PROVIDER, Delivery, event.delivery, `${field}.delivery`);
  if (!delivery.mids?.length) {
    if (delivery.watermark === undefined) {
      throw new WebhookPayloadError(PROVIDER, `${field}.delivery`, 'has neither mids nor a watermark');
    }
    return [watermarkStatus('delivered', delivery.watermark, event, field, channelId)];
  }
  const who = parties(event, field);
  const timestamp = delivery.watermark === undefined ? undefined : isoTime(delivery.watermark, 'ms');
  return delivery.mids.map((mid) => ({
    channelId,
    provider: PROVIDER,
    messageId: mid,
    status: 'delivered',
    ...who,
    ...(timestamp && { timestamp }),
    raw: event,
  }));
}
