import type { ChannelCapabilities, ParsedInboundMessage } from '../models/index.js';
import type { WebhookHandler } from '../providers/webhook.js';
import { TransportChannel, type TransportProvider } from './transport.js';

export interface TeamsChannelOptions {
  /** A `BotFrameworkTeamsProvider` (or the mock); absent ⇒ deliveries are no-ops. */
  provider?: TransportProvider;
  /** Overrides the provider's webhook handler. */
  webhook?: WebhookHandler;
}

/** What a Teams client shows (RoomKit `TeamsChannel`). */
export const TEAMS_CAPABILITIES: ChannelCapabilities = {
  mediaTypes: ['text', 'rich'],
  maxLength: 28000,
  supportsThreading: true,
  supportsReactions: true,
  supportsEdit: true,
  supportsDelete: true,
  supportsReadReceipts: true,
  supportsTyping: true,
  supportsRichText: true,
};

/**
 * Microsoft Teams through Bot Framework; the recipient is the binding's `teamsConversationId`
 * metadata. A binding may also carry `serviceUrl` (the conversation's Bot Framework endpoint), which
 * then wins over the provider's stored conversation reference. `sendTyping(binding, true)` posts a
 * `typing` activity; `markRead` resolves `false` (Bot Framework has no read receipt for bots).
 *
 * @example
 * kit.registerChannel(new TeamsChannel('teams-main', { provider: createTeamsProvider({ appId, appPassword }) }));
 * await kit.attachChannel('room-1', 'teams-main', { metadata: { teamsConversationId: 'a:1pL6i0oY3C0K8oAj8' } });
 */
export class TeamsChannel extends TransportChannel {
  constructor(channelId: string, options: TeamsChannelOptions = {}) {
    super(channelId, {
      channelType: 'teams',
      provider: options.provider,
      webhook: options.webhook,
      capabilities: TEAMS_CAPABILITIES,
      recipientKey: 'teamsConversationId',
      // Read from the binding's metadata when present.
      defaults: { serviceUrl: undefined },
    });
  }

  /** Replies go to the user's conversation, on the Bot Framework service URL it lives on. */
  override replyContext(message: ParsedInboundMessage): Record<string, unknown> | undefined {
    const { serviceUrl, conversationId } = message.metadata ?? {};
    return {
      ...(typeof conversationId === 'string' && conversationId && { teamsConversationId: conversationId }),
      ...(typeof serviceUrl === 'string' && serviceUrl && { serviceUrl }),
    };
  }
}
