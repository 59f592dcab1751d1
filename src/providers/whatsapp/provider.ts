/** The WhatsApp Cloud API provider; the Graph wire calls live in `client.ts`. */
import { ProviderActionError } from '../../errors.js';
import { markReadArgs, throwIfRefused, typingArgs } from '../actions.js';
import type { TransportProvider, TransportSendOptions, TransportTypingOptions } from '../transport.js';
import type { ProviderResult, RoomEvent, TemplateContent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { WebhookHandler } from '../webhook.js';
import { fetchMedia, postMessage, postReadStatus } from './client.js';
import { parseWhatsAppConfig, type WhatsAppConfig, type WhatsAppConfigInput } from './config.js';
import { messageBodies, type WhatsAppMessageBody } from './payload.js';
import { templateBody, templateFromContent, type WhatsAppTemplate } from './template.js';
import { createWhatsAppWebhook } from './webhook.js';
import { isWindowClosed, windowClosedResult } from './window.js';

/** What a `WhatsAppChannel` passes besides `to`; all optional. */
export interface WhatsAppSendOptions extends TransportSendOptions {
  /**
   * When the user last wrote (ISO-8601 or epoch ms), usually the binding's `lastInboundAt`
   * metadata. Known and older than 24 h ⇒ free-form content is refused locally with code 131047;
   * templates still go. Unknown ⇒ Meta decides.
   */
  lastInboundAt?: string | number;
  /** A `wamid` to quote (`context.message_id`). */
  replyTo?: string;
}

/**
 * @example
 * const whatsapp = new WhatsAppProvider({
 *   accessToken: config.waToken, phoneNumberId: '106540352242922',
 *   appSecret: config.metaAppSecret, verifyToken: config.waVerifyToken,
 * });
 * kit.registerChannel(new WhatsAppChannel('wa-main', { provider: whatsapp }));
 * await whatsapp.sendTemplate('+16505551234', { name: 'order_update', language: 'en_US' });
 */
export class WhatsAppProvider implements TransportProvider {
  readonly name = 'whatsapp';
  readonly config: WhatsAppConfig;
  /** Present when `appSecret` is configured (POST signatures cannot be checked without it). */
  readonly webhook: WebhookHandler | undefined;
  private readonly now: () => number;

  constructor(config: WhatsAppConfigInput, deps: { now?: () => number } = {}) {
    this.config = parseWhatsAppConfig(config);
    this.now = deps.now ?? Date.now;
    this.webhook = this.config.appSecret
      ? createWhatsAppWebhook({ appSecret: this.config.appSecret, verifyToken: this.config.verifyToken, config: this.config })
      : undefined;
  }

  /**
   * Sends any event content: text, rich (≤ 3 reply buttons), media by MIME type, location,
   * template, composite (one message per part). An event of type `reaction` whose metadata names
   * `reactionTo` (a wamid) becomes a reaction.
   */
  async send(event: RoomEvent, options: WhatsAppSendOptions): Promise<ProviderResult> {
    const reactionTo = event.metadata.reactionTo;
    if (event.type === 'reaction' && typeof reactionTo === 'string' && reactionTo) {
      const emoji = event.content.type === 'text' ? event.content.body : '';
      return this.sendReaction(options.to, reactionTo, emoji, options);
    }
    const bodies = messageBodies(event.content, this.config);
    if (bodies.length === 0) return EMPTY_MESSAGE;
    if (bodies.some((b) => b.type !== 'template') && isWindowClosed(options.lastInboundAt, this.now())) {
      return windowClosedResult({ decidedLocally: true, lastInboundAt: String(options.lastInboundAt) });
    }
    const ids: string[] = [];
    for (const body of bodies) {
      const result = await postMessage(this.config, options.to, body, options);
      if (!result.success) return ids.length ? { ...result, metadata: { ...result.metadata, sentMessageIds: ids } } : result;
      ids.push(result.providerMessageId!);
    }
    return ids.length === 1
      ? { success: true, providerMessageId: ids[0] }
      : { success: true, providerMessageId: ids[0], metadata: { messageIds: ids } };
  }

  /** An approved template; allowed outside the 24-hour window. */
  async sendTemplate(
    to: string,
    template: WhatsAppTemplate | TemplateContent,
    options: { idempotencyKey?: string; replyTo?: string } = {},
  ): Promise<ProviderResult> {
    const spec = 'type' in template ? templateFromContent(template) : template;
    const body = templateBody(spec, this.config.defaultTemplateLanguage) as WhatsAppMessageBody;
    return postMessage(this.config, to, body, options);
  }

  /** Reacts to a message (`messageId` is its wamid); an empty emoji removes the reaction. */
  async sendReaction(
    to: string,
    messageId: string,
    emoji: string,
    options: { idempotencyKey?: string } = {},
  ): Promise<ProviderResult> {
    return postMessage(this.config, to, { type: 'reaction', reaction: { message_id: messageId, emoji } }, options);
  }

  /**
   * Marks the inbound message `providerMessageId` (a wamid) read, which shows the user two blue
   * ticks on it and on every earlier message. The wamid alone names the chat; `to` is not sent.
   */
  async markRead(providerMessageId: string, to: string): Promise<void> {
    const args = markReadArgs(this.name, providerMessageId, to);
    throwIfRefused(this.name, 'markRead', await postReadStatus(this.config, args.providerMessageId));
  }

  /**
   * The Cloud API's typing indicator belongs to an inbound message: it is a read receipt for
   * `replyToMessageId` with `typing_indicator`, so that message is marked read too. Without that id
   * there is nothing to attach it to (`ProviderActionError` `missing_reply_to`, not retryable).
   * There is no "typing off": Meta clears the indicator when we answer or after 25 seconds, so
   * `on: false` sends nothing.
   */
  async sendTyping(to: string, options: TransportTypingOptions): Promise<void> {
    const args = typingArgs(this.name, to, options);
    if (!args.on) return;
    if (!args.replyToMessageId) throw missingReplyTo(this.name);
    throwIfRefused(this.name, 'typing', await postReadStatus(this.config, args.replyToMessageId, { typing: true }));
  }

  /**
   * Where an inbound media id can be downloaded: Meta answers `{ url, mime_type, sha256, file_size }`;
   * the URL is short-lived and needs the same bearer token.
   */
  async getMedia(mediaId: string): Promise<{ url: string; mimeType?: string; sha256?: string; fileSize?: number }> {
    return fetchMedia(this.config, mediaId);
  }
}

/** WhatsApp typing without the inbound message it answers. Shared with the mock, which refuses alike. */
export function missingReplyTo(provider: string): ProviderActionError {
  return new ProviderActionError(
    provider, 'typing', 'missing_reply_to',
    'WhatsApp shows typing only while reading an inbound message: pass replyToMessageId (the wamid being answered)',
    false,
  );
}

export function createWhatsAppProvider(config: WhatsAppConfigInput): WhatsAppProvider {
  return new WhatsAppProvider(config);
}
