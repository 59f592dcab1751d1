/**
 * WhatsApp Cloud API webhooks: `object: whatsapp_business_account`, `entry[].changes[]` with
 * `field: messages` and `value.{metadata, contacts, messages, statuses}`.
 *
 * Media decision: the Cloud API sends media as ids, never URLs. Inbound media become `media`
 * content whose `url` is the Graph media endpoint `{graph}/{version}/{mediaId}` (GET it with the
 * bearer token, or call `WhatsAppProvider.getMedia(id)`, to obtain the short-lived download URL), and
 * `metadata.whatsappMedia` = `{ id, mimeType, sha256 }`.
 *
 * Statuses (`value.statuses[]`) report on messages we sent: `sent`, `delivered`, `read` (the user
 * opened the chat: blue ticks), `failed` (with `errors[]`). Each becomes a `DeliveryStatus` with the
 * wamid as `messageId` and Meta's word, lower-cased, as `status`; a status Meta adds later passes
 * through the same way rather than being refused.
 */
import { z } from 'zod';
import { WebhookPayloadError } from '../../errors.js';
import type { DeliveryStatus, EventContent, InboundMessage, JsonRecord } from '../../models/index.js';
import { jsonBytes } from '../../models/json.js';
import { GRAPH_API_VERSION, GRAPH_BASE_URL, graphUrl } from '../meta/config.js';
import {
  arrayAt, createMetaWebhookHandler, isoTime, objectAt, parsedAt, parseMetaWebhook, stringAt, verifyMetaWebhook,
  type MetaVerifyOptions,
} from '../meta/webhook.js';
import type { WebhookHandler, WebhookOutcome, WebhookRequest } from '../webhook.js';
import { WINDOW_CLOSED_CODE, WINDOW_CLOSED_MESSAGE } from './window.js';

const PROVIDER = 'whatsapp';
const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;
/** Above this, each message keeps only its own slice of a batched payload (Temporal payload budget). */
const VERBATIM_PAYLOAD_BYTES = 64 * 1024;

export interface WhatsAppWebhookOptions {
  appSecret: string;
  verifyToken?: string;
  /** Where media ids are resolved; defaults to Meta's Graph URL. */
  config?: { graphBaseUrl: string; apiVersion: string };
}

type Obj = Record<string, unknown>;

const META_GRAPH = { graphBaseUrl: GRAPH_BASE_URL, apiVersion: GRAPH_API_VERSION };

export function createWhatsAppWebhook(options: WhatsAppWebhookOptions): WebhookHandler {
  const graph = options.config ?? META_GRAPH;
  return createMetaWebhookHandler({
    provider: PROVIDER,
    appSecret: options.appSecret,
    verifyToken: options.verifyToken,
    parseBody: (payload, channelId) => parseWhatsAppPayload(payload, channelId, graph),
  });
}

/**
 * GET: the verify-token handshake; POST: `X-Hub-Signature-256` with the app secret. Throws
 * `WebhookSignatureError` (401 missing, 403 wrong).
 *
 * @example
 * verifyWhatsAppWebhook(request, { appSecret, verifyToken });
 */
export function verifyWhatsAppWebhook(request: WebhookRequest, options: MetaVerifyOptions): void {
  verifyMetaWebhook(PROVIDER, request, options);
}

/**
 * A verified request as data: the handshake's `reply`, or the body's messages and statuses.
 * `graph` is where media ids resolve (Meta's Graph URL by default).
 *
 * @example
 * const outcome = parseWhatsAppWebhook(request, 'whatsapp-main');
 */
export function parseWhatsAppWebhook(
  request: WebhookRequest,
  channelId: string,
  graph: { graphBaseUrl: string; apiVersion: string } = META_GRAPH,
): WebhookOutcome {
  return parseMetaWebhook(PROVIDER, request, channelId, (payload, channel) => parseWhatsAppPayload(payload, channel, graph));
}

/** Parses a verified webhook body; when Meta batched messages and statuses in one POST, both are kept. */
export function parseWhatsAppPayload(
  payload: Obj,
  channelId: string,
  graph: { graphBaseUrl: string; apiVersion: string },
): WebhookOutcome {
  if (payload.object !== 'whatsapp_business_account') {
    throw new WebhookPayloadError(PROVIDER, 'object', `expected whatsapp_business_account, got ${typeof payload.object === 'string' ? JSON.stringify(payload.object) : typeof payload.object}`);
  }
  const messages: InboundMessage[] = [];
  const statuses: DeliveryStatus[] = [];
  const verbatim = jsonBytes(payload) <= VERBATIM_PAYLOAD_BYTES;
  arrayAt(PROVIDER, payload.entry, 'entry').forEach((rawEntry, e) => {
    const entry = objectAt(PROVIDER, rawEntry, `entry[${e}]`);
    arrayAt(PROVIDER, entry.changes, `entry[${e}].changes`).forEach((rawChange, c) => {
      const path = `entry[${e}].changes[${c}]`;
      const change = objectAt(PROVIDER, rawChange, path);
      if (change.field !== 'messages') return; // account updates, template status… are not room traffic
      const value = objectAt(PROVIDER, change.value, `${path}.value`);
      const meta = (value.metadata ?? {}) as Obj;
      // Entries that are not objects (null…) name no one: skipped, never dereferenced.
      const contacts = (arrayAt(PROVIDER, value.contacts, `${path}.value.contacts`) as unknown[])
        .filter((c): c is Obj => typeof c === 'object' && c !== null && !Array.isArray(c));
      arrayAt(PROVIDER, value.messages, `${path}.value.messages`).forEach((raw, m) => {
        const field = `${path}.value.messages[${m}]`;
        const message = objectAt(PROVIDER, raw, field);
        const slice = verbatim ? payload : { object: payload.object, entry: [{ id: entry.id, changes: [{ field: 'messages', value: { ...value, messages: [message], statuses: undefined } }] }] };
        const parsed = toInbound(message, field, { channelId, meta, contacts, graph, rawPayload: slice });
        if (parsed) messages.push(parsed);
      });
      arrayAt(PROVIDER, value.statuses, `${path}.value.statuses`).forEach((raw, s) => {
        statuses.push(toStatus(objectAt(PROVIDER, raw, `${path}.value.statuses[${s}]`), `${path}.value.statuses[${s}]`, channelId, meta));
      });
    });
  });
  if (messages.length) return { kind: 'messages', messages, ...(statuses.length && { statuses }) };
  if (statuses.length) return { kind: 'statuses', statuses };
  return { kind: 'ignored', reason: 'no messages or statuses in the payload' };
}

interface InboundContext {
  channelId: string;
  meta: Obj;
  contacts: Obj[];
  graph: { graphBaseUrl: string; apiVersion: string };
  rawPayload: Obj;
}

function toInbound(message: Obj, field: string, ctx: InboundContext): InboundMessage | undefined {
  const id = stringAt(PROVIDER, message.id, `${field}.id`);
  const from = stringAt(PROVIDER, message.from, `${field}.from`);
  const type = stringAt(PROVIDER, message.type, `${field}.type`);
  const extra: JsonRecord = {};
  const content = contentOf(message, type, field, ctx, extra);
  if (!content) return undefined;
  const contact = ctx.contacts.find((c) => c.wa_id === from) ?? (ctx.contacts.length === 1 ? ctx.contacts[0] : undefined);
  const contactName = (contact?.profile as Obj | undefined)?.name;
  const context = message.context as Obj | undefined;
  const metadata: JsonRecord = {
    provider: PROVIDER,
    recipient: ctx.meta.display_phone_number ?? null,
    phoneNumberId: ctx.meta.phone_number_id ?? null,
    timestamp: isoTime(message.timestamp, 's') ?? null,
    messageType: type,
    ...(typeof contactName === 'string' && { contactName }),
    ...(typeof contact?.wa_id === 'string' && { waId: contact.wa_id }),
    ...(typeof context?.id === 'string' && { replyTo: context.id }),
    ...extra,
  };
  return {
    channelId: ctx.channelId,
    senderId: from,
    content,
    ...(type === 'reaction' && { eventType: 'reaction' as const }),
    externalId: id,
    idempotencyKey: id,
    providerMessageId: id,
    rawPayload: ctx.rawPayload,
    metadata,
  };
}

function contentOf(message: Obj, type: string, field: string, ctx: InboundContext, extra: JsonRecord): EventContent | undefined {
  const part = (name: string) => objectAt(PROVIDER, message[name], `${field}.${name}`);
  switch (type) {
    case 'text':
      return { type: 'text', body: String(part('text').body ?? '') };
    case 'location': {
      const loc = part('location');
      const latitude = Number(loc.latitude);
      const longitude = Number(loc.longitude);
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) {
        throw new WebhookPayloadError(PROVIDER, `${field}.location`, 'latitude and longitude must be numbers');
      }
      return {
        type: 'location', latitude, longitude,
        ...(typeof loc.name === 'string' && { label: loc.name }),
        ...(typeof loc.address === 'string' && { address: loc.address }),
      };
    }
    case 'reaction': {
      const reaction = part('reaction');
      // An empty or absent emoji means the user removed their reaction. Not named `reactionTo` (what
      // `send` reacts with): a wamid belongs to one chat and must not be echoed into another.
      extra.reactedMessageId = typeof reaction.message_id === 'string' ? reaction.message_id : null;
      return { type: 'text', body: typeof reaction.emoji === 'string' ? reaction.emoji : '' };
    }
    case 'interactive': {
      const interactive = part('interactive');
      const reply = (interactive.button_reply ?? interactive.list_reply) as Obj | undefined;
      if (!reply) return undefined; // flows (nfm_reply) and others carry no chat text
      extra.replyId = typeof reply.id === 'string' ? reply.id : null;
      extra.interactiveType = String(interactive.type ?? '');
      return { type: 'text', body: String(reply.title ?? '') };
    }
    case 'button': {
      // A tap on a template's quick-reply button.
      const button = part('button');
      extra.replyId = typeof button.payload === 'string' ? button.payload : null;
      return { type: 'text', body: String(button.text ?? '') };
    }
    default:
      if ((MEDIA_TYPES as readonly string[]).includes(type)) return mediaContent(part(type), type, field, ctx, extra);
      return undefined; // contacts, orders, system, unsupported…: nothing a room can show
  }
}

function mediaContent(media: Obj, type: string, field: string, ctx: InboundContext, extra: JsonRecord): EventContent {
  const mediaId = stringAt(PROVIDER, media.id, `${field}.${type}.id`);
  const mimeType = typeof media.mime_type === 'string' ? media.mime_type : 'application/octet-stream';
  extra.whatsappMedia = {
    id: mediaId, mimeType, ...(typeof media.sha256 === 'string' && { sha256: media.sha256 }),
    ...(media.voice === true && { voice: true }),
  };
  return {
    type: 'media',
    url: graphUrl(ctx.graph, mediaId),
    mimeType,
    ...(typeof media.caption === 'string' && { caption: media.caption }),
    ...(typeof media.filename === 'string' && { filename: media.filename }),
  };
}

const StatusError = z.looseObject({
  code: z.union([z.number(), z.string()]).optional(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.looseObject({ details: z.string().optional() }).optional(),
});

/** The fields of `statuses[]` we read; the whole object stays in `raw`. */
const Status = z.looseObject({
  id: z.string().min(1),
  status: z.string().min(1),
  /** Unix seconds, as a string (Meta's shape) or a number. */
  timestamp: z.union([z.string().regex(/^\d+$/, 'must be unix seconds'), z.number().nonnegative()]).optional(),
  recipient_id: z.string().optional(),
  errors: z.array(StatusError).optional(),
});

function toStatus(raw: Obj, field: string, channelId: string, meta: Obj): DeliveryStatus {
  const status = parsedAt(PROVIDER, Status, raw, field);
  const first = status.errors?.[0];
  const code = first?.code !== undefined ? String(first.code) : undefined;
  const details = first?.error_data?.details;
  const title = first?.title ?? first?.message;
  const errorMessage = code === WINDOW_CLOSED_CODE ? WINDOW_CLOSED_MESSAGE : [title, details].filter(Boolean).join(': ') || undefined;
  const timestamp = isoTime(status.timestamp, 's');
  return {
    channelId,
    provider: PROVIDER,
    messageId: status.id,
    status: status.status.toLowerCase(),
    recipient: status.recipient_id ?? '',
    sender: typeof meta.display_phone_number === 'string' ? meta.display_phone_number : '',
    ...(code !== undefined && { errorCode: code }),
    ...(errorMessage && { errorMessage }),
    ...(timestamp && { timestamp }),
    raw,
  };
}
