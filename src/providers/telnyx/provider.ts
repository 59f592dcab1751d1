/**
 * The Telnyx providers. SMS/MMS over Messaging API v2 (`POST /v2/messages`); RCS from an agent
 * (`POST /v2/messages/rcs`) with an optional capability check and SMS/MMS fallback. Wire I/O (Bearer
 * request, Telnyx's error shape) lives in `client.ts`; the RCS message body in `rcs-message.ts`.
 *
 * RCS with fallback on (the `fallback` send option, RCSChannel's default) and a `fallbackFrom` number:
 * 1. `GET /v2/messaging/rcs/capabilities/{agent_id}/{phone}` asks whether the handset speaks RCS;
 *    a 4xx or an empty `features` list means no, and the text goes out as SMS/MMS (`/v2/messages`).
 * 2. Otherwise (capable, or the check could not answer) the RCS send carries Telnyx's own
 *    `sms_fallback`/`mms_fallback`, so Telnyx falls back if delivery over RCS fails.
 * `metadata.channelUsed` says which channel took the message (RoomKit's `RCSDeliveryResult`).
 */
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { SMSProvider } from '../sms/base.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, pathSegment } from '../http.js';
import type { WebhookHandler } from '../webhook.js';
import {
  parseTelnyxRCSConfig, parseTelnyxSMSConfig,
  type TelnyxRCSConfig, type TelnyxRCSConfigInput, type TelnyxSMSConfig, type TelnyxSMSConfigInput,
} from './config.js';
import { outboundParts } from '../sms/content.js';
import { NO_MESSAGE_ID, telnyxCall, telnyxMessageId } from './client.js';
import { rcsAgentMessage } from './rcs-message.js';
import { TelnyxWebhookHandler } from './webhook.js';

/** Present only when `publicKey` is configured: Telnyx webhooks cannot be trusted without it. */
function webhookFor(config: { publicKey?: string; toleranceSeconds: number }): WebhookHandler | undefined {
  return config.publicKey ? new TelnyxWebhookHandler({ publicKey: config.publicKey, toleranceSeconds: config.toleranceSeconds }) : undefined;
}

/**
 * @example
 * const telnyx = new TelnyxSMSProvider({ apiKey, fromNumber: '+15550000000', publicKey: 'base64…' });
 * kit.registerChannel(new SMSChannel('sms-main', { provider: telnyx }));
 */
export class TelnyxSMSProvider implements SMSProvider, TransportProvider {
  readonly name = 'telnyx';
  /** Present when `publicKey` is configured: Telnyx webhooks cannot be trusted without it. */
  readonly webhook: WebhookHandler | undefined;
  readonly config: TelnyxSMSConfig;

  constructor(config: TelnyxSMSConfigInput) {
    this.config = parseTelnyxSMSConfig(config);
    this.webhook = webhookFor(this.config);
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const from = typeof options.from === 'string' && options.from ? options.from : this.config.fromNumber;
    const body = {
      to: options.to,
      ...(from && { from }),
      ...(text && { text }),
      ...(mediaUrls.length > 0 && { media_urls: mediaUrls }),
      ...(this.config.messagingProfileId && { messaging_profile_id: this.config.messagingProfileId }),
    };
    const call = await telnyxCall(this.config, 'POST', '/v2/messages', body, options.idempotencyKey);
    if (!call.ok) return call.result;
    const id = telnyxMessageId(call.answer.body);
    if (!id) return NO_MESSAGE_ID;
    const data = (call.answer.body as { data: { type?: unknown; parts?: unknown } }).data;
    return {
      success: true,
      providerMessageId: id,
      metadata: { ...(typeof data.type === 'string' && { type: data.type }), ...(typeof data.parts === 'number' && { parts: data.parts }) },
    };
  }
}

export type RCSCapability = 'capable' | 'not_capable' | 'unknown';

/**
 * @example
 * const rcs = new TelnyxRCSProvider({
 *   apiKey, agentId: 'Agent007', messagingProfileId: '8c79…', fallbackFrom: '+15550000000', publicKey,
 * });
 * kit.registerChannel(new RCSChannel('rcs-main', { provider: rcs }));
 */
export class TelnyxRCSProvider implements TransportProvider {
  readonly name = 'telnyx';
  readonly webhook: WebhookHandler | undefined;
  readonly config: TelnyxRCSConfig;

  constructor(config: TelnyxRCSConfigInput) {
    this.config = parseTelnyxRCSConfig(config);
    this.webhook = webhookFor(this.config);
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const fallbackFrom = options.fallback === false ? undefined : this.config.fallbackFrom;
    if (fallbackFrom && this.config.capabilityCheck && (await this.capability(options.to)) === 'not_capable') {
      return this.sendSms(options, fallbackFrom, text, mediaUrls);
    }
    const body = {
      agent_id: this.config.agentId,
      to: options.to,
      messaging_profile_id: this.config.messagingProfileId,
      type: 'RCS',
      agent_message: rcsAgentMessage(event, text),
      ...(fallbackFrom && mediaUrls.length === 0 && { sms_fallback: { from: fallbackFrom, text } }),
      ...(fallbackFrom && mediaUrls.length > 0 && { mms_fallback: { from: fallbackFrom, media_urls: mediaUrls, ...(text && { text }) } }),
    };
    const call = await telnyxCall(this.config, 'POST', '/v2/messages/rcs', body, options.idempotencyKey);
    if (!call.ok) return call.result;
    const id = telnyxMessageId(call.answer.body);
    if (!id) return NO_MESSAGE_ID;
    return { success: true, providerMessageId: id, metadata: { channelUsed: 'rcs', fallback: false } };
  }

  /** Whether the handset can receive RCS from our agent; `unknown` when Telnyx could not say. */
  async capability(phoneNumber: string): Promise<RCSCapability> {
    // As Telnyx documents it: the E.164 number in the path with its '+' as is.
    const segment = (value: string): string => pathSegment(value).replace(/%2B/gi, '+');
    const path = `/v2/messaging/rcs/capabilities/${segment(this.config.agentId)}/${segment(phoneNumber)}`;
    const call = await telnyxCall(this.config, 'GET', path);
    if (call.ok) {
      const features = (call.answer.body as { data?: { features?: unknown } } | undefined)?.data?.features;
      return Array.isArray(features) && features.length > 0 ? 'capable' : 'not_capable';
    }
    // A permanent refusal is Telnyx saying the number cannot be reached over RCS; throttling or an
    // outage says nothing about the handset, so the RCS send (with Telnyx's fallback) decides.
    return call.result.metadata?.retryable === false ? 'not_capable' : 'unknown';
  }

  private async sendSms(options: TransportSendOptions, from: string, text: string, mediaUrls: string[]): Promise<ProviderResult> {
    const body = {
      from,
      to: options.to,
      ...(text && { text }),
      ...(mediaUrls.length > 0 && { media_urls: mediaUrls }),
      messaging_profile_id: this.config.messagingProfileId,
    };
    const call = await telnyxCall(this.config, 'POST', '/v2/messages', body, options.idempotencyKey);
    if (!call.ok) return call.result;
    const id = telnyxMessageId(call.answer.body);
    if (!id) return NO_MESSAGE_ID;
    return { success: true, providerMessageId: id, metadata: { channelUsed: 'sms', fallback: true } };
  }
}
