/**
 * RCS through a Twilio Messaging Service that holds an RCS sender. With fallback (the default)
 * Twilio tries RCS and falls back to SMS/MMS by itself; without it, `To` is `rcs:<number>` so the
 * message is RCS or fails.
 */
import { EMPTY_MESSAGE } from '../http.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import type { WebhookHandler } from '../webhook.js';
import { TwilioMessagesClient } from './client.js';
import { parseTwilioRCSConfig, type TwilioRCSConfig, type TwilioRCSConfigInput } from './config.js';
import { outboundParts } from './content.js';
import { success, type TwilioSendOptions } from './sms.js';
import { TwilioWebhookHandler } from './webhook.js';

export interface TwilioRCSSendOptions extends TwilioSendOptions {
  /** Overrides the configured fallback for this message. */
  fallback?: boolean;
}

/**
 * `metadata.channelUsed` is `'rcs'` when RCS is forced (or Twilio's answer already names an
 * `rcs:` address), else `'pending'`: with fallback on, Twilio picks RCS or SMS after accepting the
 * message, and the status callbacks tell which. A `fallback` send option (RCSChannel passes its
 * own, default true) wins over the configured one.
 *
 * @example
 * const rcs = new TwilioRCSProvider({ accountSid, authToken, messagingServiceSid: 'MG…' });
 * kit.registerChannel(new RCSChannel('rcs', { provider: rcs, fallback: false })); // To = rcs:<number>
 */
export class TwilioRCSProvider {
  readonly name = 'twilio-rcs';
  readonly webhook: WebhookHandler;
  private readonly config: TwilioRCSConfig;
  private readonly messages: TwilioMessagesClient;

  constructor(config: TwilioRCSConfigInput) {
    this.config = parseTwilioRCSConfig(config);
    this.messages = new TwilioMessagesClient(this.config);
    this.webhook = new TwilioWebhookHandler({ authToken: this.config.authToken, rcs: true });
  }

  async send(event: RoomEvent, options: TwilioRCSSendOptions): Promise<ProviderResult> {
    const { body, mediaUrls } = outboundParts(event);
    if (!body.trim() && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const fallback = options.fallback ?? this.config.fallback;
    const number = options.to.replace(/^rcs:/, '');
    const statusCallback = options.statusCallback ?? this.config.statusCallback;
    const outcome = await this.messages.create({
      to: fallback ? number : `rcs:${number}`,
      messagingServiceSid: options.messagingServiceSid ?? this.config.messagingServiceSid,
      ...(body && { body }),
      ...(mediaUrls.length && { mediaUrl: mediaUrls }),
      ...(statusCallback && { statusCallback }),
    }, options.idempotencyKey);
    if (!outcome.ok) return outcome.result;
    const rcsAddress = [outcome.message.to, outcome.message.from ?? ''].some((a) => a.startsWith('rcs:'));
    return success(outcome.message, { channelUsed: !fallback || rcsAddress ? 'rcs' : 'pending', fallback });
  }
}

export function createTwilioRCSProvider(config: TwilioRCSConfigInput): TwilioRCSProvider {
  return new TwilioRCSProvider(config);
}
