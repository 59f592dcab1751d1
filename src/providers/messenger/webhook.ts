/**
 * Messenger webhooks: `object: page`, `entry[].messaging[]`. Following RoomKit's
 * `parse_messenger_webhook`, only `message.text` becomes an inbound message: echoes of our own
 * sends (`is_echo`), attachment-only messages, postbacks and reads are skipped; `delivery.mids`
 * become `delivered` statuses (a read receipt carries only a watermark, no message id).
 */
import { WebhookPayloadError } from '../../errors.js';
import type { DeliveryStatus, InboundMessage, JsonRecord } from '../../models/index.js';
import {
  arrayAt, createMetaWebhookHandler, isoTime, objectAt, parseMetaWebhook, stringAt, verifyMetaWebhook, type MetaVerifyOptions,
} from '../meta/webhook.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';

const PROVIDER = 'messenger';

export interface MessengerWebhookOptions {
  appSecret: string;
  verifyToken?: string;
}

type Obj = Record<string, unknown>;

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
    throw new WebhookPayloadError(PROVIDER, 'object', `expected page, got ${JSON.stringify(payload.object)}`);
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
        statuses.push(...toStatuses(event, field, channelId));
      }
    });
  });
  if (messages.length) return { kind: 'messages', messages };
  if (statuses.length) return { kind: 'statuses', statuses };
  return { kind: 'ignored', reason: 'no text messages or delivery receipts in the payload' };
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

function toStatuses(event: Obj, field: string, channelId: string): DeliveryStatus[] {
  const delivery = objectAt(PROVIDER, event.delivery, `${field}.delivery`);
  const mids = arrayAt(PROVIDER, delivery.mids, `${field}.delivery.mids`);
  const user = (event.sender as Obj | undefined)?.id;
  const page = (event.recipient as Obj | undefined)?.id;
  const timestamp = isoTime(delivery.watermark, 'ms');
  return mids.map((mid, i) => ({
    channelId,
    provider: PROVIDER,
    messageId: stringAt(PROVIDER, mid, `${field}.delivery.mids[${i}]`),
    status: 'delivered',
    // The webhook's sender is the user our message went to; its recipient is our Page.
    recipient: typeof user === 'string' ? user : '',
    sender: typeof page === 'string' ? page : '',
    ...(timestamp && { timestamp }),
    raw: event,
  }));
}
