import type { ChannelBinding, ChannelCapabilities, RoomEvent } from '../models/index.js';
import type { SMSProvider } from '../providers/sms/base.js';
import { smsSegments } from '../providers/sms/segments.js';
import { Channel, type DeliverOutput } from './channel.js';
import type { RoomContext } from './room-context.js';
import { TransportChannel } from './transport.js';

export interface SMSChannelOptions {
  /** Absent ⇒ deliveries are no-ops. */
  provider?: SMSProvider;
  /** Sender number; absent ⇒ read from the binding's `from` metadata, else the provider's default. */
  fromNumber?: string;
}

/** What an SMS handset shows (RoomKit `SMSChannel`). */
export const SMS_CAPABILITIES: ChannelCapabilities = {
  mediaTypes: ['text', 'media'],
  maxLength: 1600,
  supportsReadReceipts: true,
  supportsMedia: true,
};

/**
 * SMS over an `SMSProvider`; the recipient is the binding's `phoneNumber` metadata.
 *
 * @example
 * kit.registerChannel(new SMSChannel('sms-main', { provider: twilio, fromNumber: '+15550000000' }));
 * await kit.attachChannel('room-1', 'sms-main', { metadata: { phoneNumber: '+15551112222' } });
 */
export class SMSChannel extends TransportChannel {
  constructor(channelId: string, options: SMSChannelOptions = {}) {
    super(channelId, {
      channelType: 'sms',
      provider: options.provider,
      capabilities: SMS_CAPABILITIES,
      recipientKey: 'phoneNumber',
      defaults: { from: options.fromNumber },
    });
  }

  /**
   * Delivers like any transport, then reports what the text cost: `providerResult.metadata.segments`
   * and `encoding` (carriers bill per segment), computed from the text that was sent.
   */
  override async deliver(event: RoomEvent, binding: ChannelBinding, ctx?: RoomContext): Promise<DeliverOutput> {
    const output = await super.deliver(event, binding, ctx);
    const result = output.providerResult;
    if (!result?.success) return output;
    const { segments, encoding } = smsSegments(Channel.extractText(event));
    return { ...output, providerResult: { ...result, metadata: { ...result.metadata, segments, encoding } } };
  }
}
