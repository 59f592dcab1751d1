import type { ChannelCapabilities } from '../models/index.js';
import { TransportChannel, type TransportProvider } from './transport.js';

export interface RCSChannelOptions {
  /** An RCS provider (`TelnyxRCSProvider`…); absent ⇒ deliveries are no-ops. */
  provider?: TransportProvider;
  /**
   * Fall back to SMS when the recipient's handset cannot receive RCS (default true). Handed to the
   * provider as the `fallback` send option.
   */
  fallback?: boolean;
}

/** What an RCS handset shows (RoomKit `RCSChannel`, semantics §9.3). */
export const RCS_CAPABILITIES: ChannelCapabilities = {
  mediaTypes: ['text', 'rich', 'media'],
  maxLength: 8000,
  supportsReadReceipts: true,
  supportsTyping: true,
  supportsRichText: true,
  supportsButtons: true,
  supportsQuickReplies: true,
  supportsCards: true,
  supportsMedia: true,
};

/**
 * RCS business messaging; the recipient is the binding's `phoneNumber` metadata.
 *
 * @example
 * const rcs = createTelnyxRCSProvider({ apiKey, agentId: 'Agent007', messagingProfileId, fallbackFrom: '+15550000000' });
 * kit.registerChannel(new RCSChannel('rcs-main', { provider: rcs }));
 * await kit.attachChannel('room-1', 'rcs-main', { metadata: { phoneNumber: '+15551112222' } });
 */
export class RCSChannel extends TransportChannel {
  constructor(channelId: string, options: RCSChannelOptions = {}) {
    super(channelId, {
      channelType: 'rcs',
      provider: options.provider,
      capabilities: RCS_CAPABILITIES,
      recipientKey: 'phoneNumber',
      defaults: { fallback: options.fallback ?? true },
    });
  }
}
