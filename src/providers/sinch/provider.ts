/** The Sinch SMS provider; the batches wire call lives in `client.ts`. */
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { SMSProvider } from '../sms/base.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { WebhookHandler } from '../webhook.js';
import { parseSinchConfig, type SinchConfig, type SinchConfigInput } from './config.js';
import { outboundParts } from '../sms/content.js';
import { postBatch } from './client.js';
import { SinchWebhookHandler } from './webhook.js';

/**
 * @example
 * const sinch = new SinchSMSProvider({ servicePlanId, apiToken, fromNumber: '+15550000000', webhookSecret });
 * kit.registerChannel(new SMSChannel('sms-main', { provider: sinch }));
 */
export class SinchSMSProvider implements SMSProvider, TransportProvider {
  readonly name = 'sinch';
  readonly webhook: WebhookHandler | undefined;
  readonly config: SinchConfig;

  constructor(config: SinchConfigInput) {
    this.config = parseSinchConfig(config);
    this.webhook = this.config.webhookSecret
      ? new SinchWebhookHandler({
        secret: this.config.webhookSecret, scheme: this.config.signatureScheme, toleranceSeconds: this.config.toleranceSeconds,
      })
      : undefined;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const from = typeof options.from === 'string' && options.from ? options.from : this.config.fromNumber;
    // Sinch has no idempotency key; `client_reference` at least ties delivery reports to the delivery.
    const reference = options.idempotencyKey ? { client_reference: options.idempotencyKey } : {};
    const body = mediaUrls.length > 0
      ? { ...(from && { from }), to: [options.to], type: 'mt_media', body: { url: mediaUrls[0], ...(text && { message: text }) }, ...reference }
      : { ...(from && { from }), to: [options.to], body: text, ...reference };
    return postBatch(this.config, body);
  }
}
