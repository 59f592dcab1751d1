/**
 * The Twilio providers. SMS and MMS through Programmable Messaging (Message resource, official SDK);
 * RCS through a Messaging Service that holds an RCS sender. With fallback (the default) Twilio tries
 * RCS and falls back to SMS/MMS by itself; without it, `To` is `rcs:<number>` so the message is RCS
 * or fails. The SDK call and the reading of Twilio's answer live in `client.ts`.
 */
import { EMPTY_MESSAGE } from '../http.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import type { SMSProvider, SMSSendOptions } from '../sms/base.js';
import type { TransportProvider } from '../transport.js';
import type { WebhookHandler } from '../webhook.js';
import { success, TwilioMessagesClient, type TwilioMessageParams } from './client.js';
import {
  parseTwilioConfig, parseTwilioRCSConfig,
  type TwilioConfig, type TwilioConfigInput, type TwilioRCSConfig, type TwilioRCSConfigInput,
} from './config.js';
import { outboundParts } from './content.js';
import { TwilioWebhookHandler } from './webhook.js';

export interface TwilioSendOptions extends SMSSendOptions {
  /** Overrides the configured `StatusCallback` for this message. */
  statusCallback?: string;
  /** Overrides the configured Messaging Service for this message. */
  messagingServiceSid?: string;
  [option: string]: unknown;
}

/** Refused before any request: neither a Messaging Service nor a From number is known. */
const MISSING_SENDER: ProviderResult = {
  success: false,
  error: 'no sender: configure messagingServiceSid or from, or give the channel a fromNumber',
  metadata: { code: 'missing_sender', retryable: false },
};

/**
 * @example
 * const twilio = new TwilioSMSProvider({ accountSid, authToken, from: '+15550000000',
 *   statusCallback: 'https://hooks.example.com/webhooks/sms' });
 * kit.registerChannel(new SMSChannel('sms', { provider: twilio }));
 * app.use('/webhooks', createWebhookRouter(kit)); // Twilio posts to …/webhooks/sms
 */
export class TwilioSMSProvider implements SMSProvider, TransportProvider {
  readonly name: string = 'twilio';
  readonly webhook: WebhookHandler;
  protected readonly config: TwilioConfig;
  protected readonly messages: TwilioMessagesClient;

  constructor(config: TwilioConfigInput) {
    this.config = parseTwilioConfig(config);
    this.messages = new TwilioMessagesClient(this.config);
    this.webhook = new TwilioWebhookHandler({ authToken: this.config.authToken });
  }

  async send(event: RoomEvent, options: TwilioSendOptions): Promise<ProviderResult> {
    const { body, mediaUrls } = outboundParts(event);
    if (!body.trim() && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const service = options.messagingServiceSid ?? this.config.messagingServiceSid;
    const from = options.from ?? this.config.from;
    if (!service && !from) return MISSING_SENDER;
    const params: TwilioMessageParams = {
      to: options.to,
      ...(body && { body }),
      // A Messaging Service picks the sender from its pool; From would bypass that choice.
      ...(service ? { messagingServiceSid: service } : { from }),
      ...(mediaUrls.length && { mediaUrl: mediaUrls }),
      ...((options.statusCallback ?? this.config.statusCallback) && { statusCallback: options.statusCallback ?? this.config.statusCallback }),
    };
    const outcome = await this.messages.create(params, options.idempotencyKey);
    return outcome.ok ? success(outcome.message) : outcome.result;
  }
}

export function createTwilioSMSProvider(config: TwilioConfigInput): TwilioSMSProvider {
  return new TwilioSMSProvider(config);
}

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
export class TwilioRCSProvider implements TransportProvider {
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
