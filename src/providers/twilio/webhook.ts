/**
 * Twilio's messaging webhooks: inbound messages and status callbacks, both form-encoded and signed
 * with `X-Twilio-Signature` = base64(HMAC-SHA1(authToken, url + sorted params)). Verification is
 * `./signature.ts`, a `node:crypto` mirror of the SDK's `validateRequest` (constant-time compare;
 * tries the URL with and without the default port, as Twilio's back ends differ), so receiving a
 * webhook does not load the SDK.
 */
import { WebhookPayloadError, WebhookSignatureError } from '../../errors.js';
import type { DeliveryStatus, InboundMessage } from '../../models/index.js';
import type { WebhookHandler, WebhookOutcome, WebhookReply, WebhookRequest } from '../webhook.js';
import { buildInboundContent, MAX_INBOUND_MEDIA, type InboundMedia } from './content.js';
import { verifyTwilioRequest, verifyTwilioRequestWithBody } from './signature.js';

/** What Twilio expects back from a messaging webhook when we have nothing to say: empty TwiML. */
export const EMPTY_TWIML: WebhookReply = {
  status: 200,
  contentType: 'text/xml',
  body: '<?xml version="1.0" encoding="UTF-8"?><Response></Response>',
};

export type TwilioParams = Record<string, string | string[]>;

export interface TwilioWebhookOptions {
  authToken: string;
  /** RCS webhooks: addresses arrive as `rcs:+1555…`; the prefix is dropped from `senderId`. */
  rcs?: boolean;
}

/**
 * Checks `X-Twilio-Signature` over the URL and the form params (or, for a JSON body, the URL and
 * its `bodySHA256`). Throws `WebhookSignatureError`: 401 when the header is missing, 403 when wrong.
 *
 * @example
 * verifyTwilioWebhook(request, { authToken });
 */
export function verifyTwilioWebhook(request: WebhookRequest, options: Pick<TwilioWebhookOptions, 'authToken'>): void {
  const signature = request.headers['x-twilio-signature'];
  if (!signature) throw new WebhookSignatureError('twilio', 'missing X-Twilio-Signature header', 401);
  const url = request.url;
  const valid = url.includes('bodySHA256=')
    // JSON-bodied webhooks sign the URL (which carries the body's SHA-256), not form params.
    ? verifyTwilioRequestWithBody(options.authToken, signature, url, request.rawBody.toString('utf8'))
    : verifyTwilioRequest(options.authToken, signature, url, request.method === 'GET' ? {} : formParams(request.rawBody));
  if (!valid) throw new WebhookSignatureError('twilio', 'X-Twilio-Signature does not match', 403);
}

/**
 * A verified webhook as data: a status callback (it carries `MessageStatus`) ⇒ `statuses`, else
 * an inbound message ⇒ `messages`. With `rcs`, the `rcs:` prefix is dropped from addresses.
 * Throws `WebhookPayloadError` naming the field.
 *
 * @example
 * const outcome = parseTwilioWebhook(request, 'sms');
 */
export function parseTwilioWebhook(
  request: WebhookRequest,
  channelId: string,
  options: Pick<TwilioWebhookOptions, 'rcs'> = {},
): WebhookOutcome {
  const params = request.method === 'GET' ? queryParams(request.url) : formParams(request.rawBody);
  const rcs = options.rcs ?? false;
  const status = one(params, 'MessageStatus');
  // Status callbacks carry MessageStatus; inbound messages carry none (or `received`).
  if (status && status !== 'received') return { kind: 'statuses', statuses: [statusOf(params, channelId, status, rcs)] };
  return { kind: 'messages', messages: [messageOf(params, channelId, rcs)] };
}

/**
 * @example
 * const handler = new TwilioWebhookHandler({ authToken });
 * await handler.verify(request); // throws WebhookSignatureError
 * const outcome = await handler.parse(request, 'sms');
 */
export class TwilioWebhookHandler implements WebhookHandler {
  readonly provider = 'twilio';
  readonly ack = EMPTY_TWIML;

  constructor(private readonly options: TwilioWebhookOptions) {}

  async verify(request: WebhookRequest): Promise<void> {
    verifyTwilioWebhook(request, this.options);
  }

  parse(request: WebhookRequest, channelId: string): WebhookOutcome {
    return parseTwilioWebhook(request, channelId, this.options);
  }
}

function messageOf(params: TwilioParams, channelId: string, rcs: boolean): InboundMessage {
  const sid = required(params, 'MessageSid');
  const from = address(required(params, 'From'), rcs);
  const to = one(params, 'To');
  const metadata: Record<string, string | number | boolean> = { provider: 'twilio' };
  if (to) metadata.recipient = address(to, rcs);
  for (const [field, key] of [['FromCity', 'fromCity'], ['FromState', 'fromState'], ['FromCountry', 'fromCountry']] as const) {
    const value = one(params, field);
    if (value) metadata[key] = value;
  }
  if (rcs) {
    metadata.channel = 'rcs';
    const button = one(params, 'ButtonPayload');
    if (button) metadata.buttonPayload = button;
  }
  const media = inboundMedia(params);
  if (media.length) metadata.numMedia = media.length;
  return {
    channelId,
    senderId: from,
    content: buildInboundContent(one(params, 'Body') ?? '', media),
    externalId: sid,
    providerMessageId: sid,
    idempotencyKey: sid,
    rawPayload: params,
    metadata,
  };
}

function statusOf(params: TwilioParams, channelId: string, status: string, rcs: boolean): DeliveryStatus {
  const errorCode = one(params, 'ErrorCode');
  const errorMessage = one(params, 'ErrorMessage');
  return {
    channelId,
    provider: 'twilio',
    messageId: required(params, 'MessageSid'),
    status: status.toLowerCase(),
    recipient: address(one(params, 'To') ?? '', rcs),
    sender: address(one(params, 'From') ?? '', rcs),
    ...(errorCode && { errorCode }),
    ...(errorMessage && { errorMessage }),
    raw: params,
  };
}

function address(value: string, rcs: boolean): string {
  return rcs ? value.replace(/^rcs:/, '') : value;
}

/** `NumMedia` (0–20) pairs of `MediaUrl{i}` / `MediaContentType{i}`. */
function inboundMedia(params: TwilioParams): InboundMedia[] {
  const raw = one(params, 'NumMedia');
  if (raw === undefined || raw === '') return [];
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0 || count > MAX_INBOUND_MEDIA) {
    throw new WebhookPayloadError('twilio', 'NumMedia', `must be an integer from 0 to ${MAX_INBOUND_MEDIA}, got ${JSON.stringify(raw)}`);
  }
  const media: InboundMedia[] = [];
  for (let i = 0; i < count; i++) {
    const url = required(params, `MediaUrl${i}`);
    if (!/^https?:\/\//.test(url)) throw new WebhookPayloadError('twilio', `MediaUrl${i}`, 'must be an http(s) URL');
    const mimeType = one(params, `MediaContentType${i}`);
    media.push({ url, ...(mimeType && { mimeType }) });
  }
  return media;
}

/** Form fields; a repeated field becomes an array (the signature code handles both). */
export function formParams(body: Buffer): TwilioParams {
  return collect(new URLSearchParams(body.toString('utf8')));
}

function queryParams(url: string): TwilioParams {
  return collect(new URL(url).searchParams);
}

function collect(search: URLSearchParams): TwilioParams {
  const params: TwilioParams = {};
  for (const [key, value] of search) {
    // Own keys only, defined rather than assigned: a field named `constructor` or `__proto__` is data.
    const previous = Object.hasOwn(params, key) ? params[key] : undefined;
    const next = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
    Object.defineProperty(params, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

function one(params: TwilioParams, field: string): string | undefined {
  const value = params[field];
  if (Array.isArray(value)) throw new WebhookPayloadError('twilio', field, 'appears more than once');
  return value;
}

function required(params: TwilioParams, field: string): string {
  const value = one(params, field);
  if (!value) throw new WebhookPayloadError('twilio', field, 'is required');
  return value;
}
