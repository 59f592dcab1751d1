/** The VoiceMeUp SMS provider; the `queue_sms` wire call lives in `client.ts`. */
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { SMSProvider } from '../sms/base.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { parseVoiceMeUpConfig, type VoiceMeUpConfig, type VoiceMeUpConfigInput } from './config.js';
import { outboundParts } from '../sms/content.js';
import { queueSms, stripPlus } from './client.js';
import { splitMessage } from './split.js';
import { VoiceMeUpWebhookHandler } from './webhook.js';

/**
 * @example
 * const vmu = new VoiceMeUpSMSProvider({ username, authToken, fromNumber: '+15145550000', webhookSecret });
 * vmu.webhook?.configureMms({ onTimeout: (message) => kit.processInbound(message) });
 */
export class VoiceMeUpSMSProvider implements SMSProvider, TransportProvider {
  readonly name = 'voicemeup';
  readonly webhook: VoiceMeUpWebhookHandler | undefined;
  readonly config: VoiceMeUpConfig;

  constructor(config: VoiceMeUpConfigInput) {
    this.config = parseVoiceMeUpConfig(config);
    this.webhook = this.config.webhookSecret
      ? new VoiceMeUpWebhookHandler({
        secret: this.config.webhookSecret,
        tokenParam: this.config.webhookTokenParam,
        tokenHeader: this.config.webhookTokenHeader,
        mmsTimeoutMs: this.config.mmsTimeoutMs,
      })
      : undefined;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const from = stripPlus(typeof options.from === 'string' && options.from ? options.from : this.config.fromNumber);
    const to = stripPlus(options.to);
    if (mediaUrls.length > 0) return queueSms(this.config, from, to, text, mediaUrls[0]);
    // VoiceMeUp has no idempotency key: a retry after a partial success sends the earlier parts again.
    const parts = splitMessage(text);
    const ids: string[] = [];
    let last: ProviderResult | undefined;
    for (const part of parts) {
      last = await queueSms(this.config, from, to, part);
      if (!last.success) return parts.length > 1 ? { ...last, metadata: { ...last.metadata, partsSent: ids.length } } : last;
      if (last.providerMessageId) ids.push(last.providerMessageId);
    }
    if (parts.length === 1) return last!;
    return { ...last!, metadata: { ...last!.metadata, parts: parts.length, messageIds: ids } };
  }

  async close(): Promise<void> {
    this.webhook?.close();
  }
}
