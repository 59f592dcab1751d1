import type { ChannelCapabilities, ParsedInboundMessage } from '../models/index.js';
import type { EmailProvider } from '../providers/email/base.js';
import type { WebhookHandler } from '../providers/webhook.js';
import { TransportChannel } from './transport.js';

export interface EmailChannelOptions {
  /** Absent ⇒ deliveries are no-ops (an inbound-only channel with a `webhook`). */
  provider?: EmailProvider;
  /** Sender address; absent ⇒ the binding's `from` metadata, else the provider's configured `from`. */
  fromAddress?: string;
  /** Sender display name; absent ⇒ the binding's `fromName` metadata, else the provider's. */
  fromName?: string;
  /** A fixed subject for every room; absent ⇒ the binding's `subject` metadata (per-room subjects). */
  subject?: string;
  /** Inbound handler when it is not the provider's (e.g. an `EmailWebhook` beside `ElasticEmailProvider`). */
  webhook?: WebhookHandler;
}

/** What an email client shows (RoomKit `EmailChannel`: TEXT, RICH, MEDIA; threading, rich text, media). */
export const EMAIL_CAPABILITIES: ChannelCapabilities = {
  mediaTypes: ['text', 'rich', 'media'],
  supportsThreading: true,
  supportsRichText: true,
  supportsMedia: true,
};

/**
 * Email over an `EmailProvider`. The recipient is the binding's `emailAddress` metadata; the thread
 * comes from the binding too: `subject`, `inReplyTo` (the Message-ID answered) and `references`
 * (the thread's ids), so a room bound to a conversation keeps replying inside it.
 *
 * @example
 * kit.registerChannel(new EmailChannel('email-main', { provider: smtp, fromAddress: 'help@acme.test' }));
 * await kit.attachChannel('room-1', 'email-main', {
 *   metadata: { emailAddress: 'ana@example.com', subject: 'Your order #4211', inReplyTo: '<CAH3xq9@mail.gmail.com>' },
 * });
 */
export class EmailChannel extends TransportChannel {
  constructor(channelId: string, options: EmailChannelOptions = {}) {
    super(channelId, {
      channelType: 'email',
      provider: options.provider,
      capabilities: EMAIL_CAPABILITIES,
      recipientKey: 'emailAddress',
      // `undefined` ⇒ read from the binding's metadata at each delivery (TransportChannel defaults).
      defaults: {
        from: options.fromAddress,
        fromName: options.fromName,
        subject: options.subject,
        inReplyTo: undefined,
        references: undefined,
      },
      webhook: options.webhook,
    });
  }

  /** Replies answer the sender's latest mail, in its thread, under its subject. */
  override replyContext(message: ParsedInboundMessage): Record<string, unknown> | undefined {
    const messageId = message.providerMessageId;
    if (!messageId) return undefined;
    const meta = message.metadata ?? {};
    const references = Array.isArray(meta.references) ? meta.references.filter((r): r is string => typeof r === 'string') : [];
    return {
      inReplyTo: messageId,
      references: [...references.filter((r) => r !== messageId), messageId],
      ...(typeof meta.subject === 'string' && meta.subject && { subject: meta.subject }),
    };
  }
}
