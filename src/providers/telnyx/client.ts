/**
 * Telnyx SMS/MMS over Messaging API v2: JSON `POST /v2/messages` with `Authorization: Bearer`.
 * Media URLs make it an MMS. Telnyx SDK not used: one fetch, Temporal owns retries.
 */
import type { TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { WebhookHandler } from '../webhook.js';
import { parseTelnyxSMSConfig, type TelnyxSMSConfig, type TelnyxSMSConfigInput } from './config.js';
import { outboundParts } from '../sms/content.js';
import { NO_MESSAGE_ID, telnyxCall, telnyxMessageId } from './http.js';
import { TelnyxWebhookHandler } from './webhook.js';

/**
 * @example
 * const telnyx = new TelnyxSMSProvider({ apiKey, fromNumber: '+15550000000', publicKey: 'base64…' });
 * kit.registerChannel(new SMSChannel('sms-main', { provider: telnyx }));
 */
export class TelnyxSMSProvider {
  readonly name = 'telnyx';
  /** Present when `publicKey` is configured: Telnyx webhooks cannot be trusted without it. */
  readonly webhook: WebhookHandler | undefined;
  readonly config: TelnyxSMSConfig;

  constructor(config: TelnyxSMSConfigInput) {
    this.config = parseTelnyxSMSConfig(config);
    this.webhook = this.config.publicKey
      ? new TelnyxWebhookHandler({ publicKey: this.config.publicKey, toleranceSeconds: this.config.toleranceSeconds })
      : undefined;
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
