import type { ChannelCapabilities } from '../models/index.js';
import { TransportChannel, type TransportProvider } from './transport.js';

export interface MessengerChannelOptions {
  /** A `FacebookMessengerProvider`, `MockMessengerProvider` or any transport provider; absent ⇒ no-ops. */
  provider?: TransportProvider;
}

/** What Messenger shows (RoomKit `MessengerChannel`). */
export const MESSENGER_CAPABILITIES: ChannelCapabilities = {
  mediaTypes: ['text', 'rich', 'media', 'template'],
  maxLength: 2000,
  supportsReadReceipts: true,
  supportsTyping: true,
  supportsDelete: true,
  supportsButtons: true,
  maxButtons: 3,
  supportsQuickReplies: true,
  supportsMedia: true,
};

/**
 * Facebook Messenger; the recipient is the binding's `facebookUserId` metadata (the user's
 * Page-scoped id). The binding's `lastInboundAt`, `tag` and `messagingType` metadata reach the
 * provider (a message tag is how a Page writes after the 24-hour window). `sendTyping(binding, on)`
 * and `markRead(binding, mid)` become the Send API's `typing_on`/`typing_off` and `mark_seen`.
 *
 * @example
 * kit.registerChannel(new MessengerChannel('fb-main', { provider: createMessengerProvider(fbConfig) }));
 * await kit.attachChannel('room-1', 'fb-main', { metadata: { facebookUserId: '6543210987654321' } });
 */
export class MessengerChannel extends TransportChannel {
  constructor(channelId: string, options: MessengerChannelOptions = {}) {
    super(channelId, {
      channelType: 'messenger',
      provider: options.provider,
      capabilities: MESSENGER_CAPABILITIES,
      recipientKey: 'facebookUserId',
      defaults: { lastInboundAt: undefined, tag: undefined, messagingType: undefined },
    });
  }
}
