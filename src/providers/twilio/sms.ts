/**
 * SMS and MMS through Twilio's Programmable Messaging (Message resource, official SDK).
 */
import { EMPTY_MESSAGE } from '../http.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import type { SMSProvider, SMSSendOptions } from '../sms/base.js';
import type { WebhookHandler } from '../webhook.js';
import { TwilioMessagesClient, type TwilioMessage, type TwilioMessageParams } from './client.js';
import { parseTwilioConfig, type TwilioConfig, type TwilioConfigInput } from './config.js';
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
export class TwilioSMSProvider implements SMSProvider {
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

export function success(message: TwilioMessage, extra: Record<string, string | boolean> = {}): ProviderResult {
  return {
    success: true,
    providerMessageId: message.sid,
    metadata: {
      status: message.status,
      to: message.to,
      ...(message.numSegments != null && { numSegments: Number(message.numSegments) }),
      ...extra,
    },
  };
}

export function createTwilioSMSProvider(config: TwilioConfigInput): TwilioSMSProvider {
  return new TwilioSMSProvider(config);
}
