import type { ChannelBinding, ChannelCapabilities, ParsedInboundMessage } from '../models/index.js';
import { TransportChannel, type TransportProvider } from './transport.js';

export interface WhatsAppChannelOptions {
  /** A `WhatsAppProvider`, `MockWhatsAppProvider` or any transport provider; absent ⇒ deliveries are no-ops. */
  provider?: TransportProvider;
}

/** What WhatsApp Business shows (RoomKit `WhatsAppChannel`). */
export const WHATSAPP_CAPABILITIES: ChannelCapabilities = {
  mediaTypes: ['text', 'rich', 'media', 'location', 'template'],
  maxLength: 4096,
  supportsReadReceipts: true,
  supportsTyping: true,
  supportsReactions: true,
  supportsEdit: true,
  supportsDelete: true,
  supportsTemplates: true,
  supportsRichText: true,
  supportsButtons: true,
  maxButtons: 3,
  supportsQuickReplies: true,
  supportsMedia: true,
};

/**
 * WhatsApp Business (Cloud API); the recipient is the binding's `phoneNumber` metadata. The
 * binding's `lastInboundAt` (ISO-8601, when the user last wrote) and `replyTo` metadata reach the
 * provider: with `lastInboundAt` older than 24 h, free-form content is refused with code 131047
 * before Meta is called, and templates still go out. `markRead(binding, wamid)` gives the user blue
 * ticks; `sendTyping(binding, true)` shows typing on their latest message (`lastInboundMessageId`).
 *
 * @example
 * kit.registerChannel(new WhatsAppChannel('wa-main', { provider: createWhatsAppProvider(waConfig) }));
 * await kit.attachChannel('room-1', 'wa-main', { metadata: { phoneNumber: '+16505551234' } });
 */
export class WhatsAppChannel extends TransportChannel {
  constructor(channelId: string, options: WhatsAppChannelOptions = {}) {
    super(channelId, {
      channelType: 'whatsapp',
      provider: options.provider,
      capabilities: WHATSAPP_CAPABILITIES,
      recipientKey: 'phoneNumber',
      // `undefined` ⇒ read from the binding's metadata on each delivery.
      defaults: { lastInboundAt: undefined, replyTo: undefined },
    });
  }

  /**
   * The 24-hour customer-service window opens again with every message the user sends; the wamid of
   * that message is what a typing indicator must be attached to (`sendTyping`).
   */
  override replyContext(message: ParsedInboundMessage): Record<string, unknown> | undefined {
    return {
      lastInboundAt: new Date().toISOString(),
      ...(message.providerMessageId && { lastInboundMessageId: message.providerMessageId }),
    };
  }

  /**
   * WhatsApp shows typing only while reading an inbound message, so without `replyToMessageId` the
   * binding's `lastInboundMessageId` (the user's latest message, see `replyContext`) is used. That
   * message is marked read too; `on: false` is a no-op (Meta clears it on our answer or after 25 s).
   */
  override sendTyping(binding: ChannelBinding, on: boolean, options: { replyToMessageId?: string } = {}): Promise<boolean> {
    const last = binding.metadata.lastInboundMessageId;
    const replyToMessageId = options.replyToMessageId ?? (typeof last === 'string' && last ? last : undefined);
    return super.sendTyping(binding, on, { ...options, ...(replyToMessageId && { replyToMessageId }) });
  }
}
