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
    const signature = request.headers['x-twilio-signature'];
    if (!signature) throw new WebhookSignatureError(this.provider, 'missing X-Twilio-Signature header', 401);
    const url = request.url;
    const valid = url.includes('bodySHA256=')
      // JSON-bodied webhooks sign the URL (which carries the body's SHA-256), not form params.
      ? verifyTwilioRequestWithBody(this.options.authToken, signature, url, request.rawBody.toString('utf8'))
      : verifyTwilioRequest(this.options.authToken, signature, url, request.method === 'GET' ? {} : formParams(request.rawBody));
    if (!valid) throw new WebhookSignatureError(this.provider, 'X-Twilio-Signature does not match', 403);
  }

  parse(request: WebhookRequest, channelId: string): WebhookOutcome {
    const params = request.method === 'GET' ? queryParams(request.url) : formParams(request.rawBody);
    const status = one(params, 'MessageStatus');
    // Status callbacks carry MessageStatus; inbound messages carry none (or `received`).
    if (status && status !== 'received') return { kind: 'statuses', statuses: [this.status(params, channelId, status)] };
    return { kind: 'messages', messages: [this.message(params, channelId)] };
  }

  private message(params: TwilioParams, channelId: string): InboundMessage {
    const sid = required(params, 'MessageSid');
    const from = this.address(required(params, 'From'));
    const to = one(params, 'To');
    const metadata: Record<string, string | number | boolean> = { provider: this.provider };
    if (to) metadata.recipient = this.address(to);
    for (const [field, key] of [['FromCity', 'fromCity'], ['FromState', 'fromState'], ['FromCountry', 'fromCountry']] as const) {
      const value = one(params, field);
      if (value) metadata[key] = value;
    }
    if (this.options.rcs) {
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

  private status(params: TwilioParams, channelId: string, status: string): DeliveryStatus {
    const errorCode = one(params, 'ErrorCode');
    const errorMessage = one(params, 'ErrorMessage');
    return {
      channelId,
      provider: this.provider,
      messageId: required(params, 'MessageSid'),
      status: status.toLowerCase(),
      recipient: this.address(one(params, 'To') ?? ''),
      sender: this.address(one(params, 'From') ?? ''),
      ...(errorCode && { errorCode }),
      ...(errorMessage && { errorMessage }),
      raw: params,
    };
  }

  private address(value: string): string {
    return this.options.rcs ? value.replace(/^rcs:/, '') : value;
  }
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
    const previous = params[key];
    params[key] = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
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
