/** The Facebook Messenger provider; the Send API wire call lives in `client.ts`. */
import { markReadArgs, throwIfRefused, typingArgs } from '../actions.js';
import type { TransportProvider, TransportSendOptions, TransportTypingOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import type { WebhookHandler } from '../webhook.js';
import { isWindowClosed } from '../meta/window.js';
import { postMessage, postSenderAction } from './client.js';
import { parseMessengerConfig, type MessengerConfig, type MessengerConfigInput } from './config.js';
import { messengerMessages } from './payload.js';
import { createMessengerWebhook } from './webhook.js';
import { messengerWindowClosedResult } from './window.js';

export interface MessengerSendOptions extends TransportSendOptions {
  /** Overrides the configured `messagingType`; `MESSAGE_TAG` needs `tag`. */
  messagingType?: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  /** A message tag (`ACCOUNT_UPDATE`, `HUMAN_AGENT`…); implies `MESSAGE_TAG`. */
  tag?: string;
  /** When the user last wrote (ISO-8601 or epoch ms); older than 24 h and untagged ⇒ refused locally. */
  lastInboundAt?: string | number;
}

/**
 * @example
 * const messenger = new FacebookMessengerProvider({
 *   pageAccessToken: config.pageToken, appSecret: config.metaAppSecret, verifyToken: config.fbVerifyToken,
 * });
 * kit.registerChannel(new MessengerChannel('fb-main', { provider: messenger }));
 */
export class FacebookMessengerProvider implements TransportProvider {
  readonly name = 'messenger';
  readonly config: MessengerConfig;
  readonly webhook: WebhookHandler | undefined;
  private readonly now: () => number;

  constructor(config: MessengerConfigInput, deps: { now?: () => number } = {}) {
    this.config = parseMessengerConfig(config);
    this.now = deps.now ?? Date.now;
    this.webhook = this.config.appSecret
      ? createMessengerWebhook({ appSecret: this.config.appSecret, verifyToken: this.config.verifyToken })
      : undefined;
  }

  /** One Send API call per message (a media caption or a composite part is its own message). */
  async send(event: RoomEvent, options: MessengerSendOptions): Promise<ProviderResult> {
    const messages = messengerMessages(event.content);
    if (messages.length === 0) return EMPTY_MESSAGE;
    const tagged = Boolean(options.tag) || options.messagingType === 'MESSAGE_TAG';
    if (!tagged && isWindowClosed(options.lastInboundAt, this.now())) {
      return messengerWindowClosedResult({ decidedLocally: true });
    }
    const ids: string[] = [];
    for (const message of messages) {
      const result = await postMessage(this.config, options, message);
      if (!result.success) return ids.length ? { ...result, metadata: { ...result.metadata, sentMessageIds: ids } } : result;
      ids.push(result.providerMessageId!);
    }
    return ids.length === 1
      ? { success: true, providerMessageId: ids[0] }
      : { success: true, providerMessageId: ids[0], metadata: { messageIds: ids } };
  }

  /**
   * `sender_action` `typing_on` / `typing_off` for the user `to` (a PSID). Meta keeps the bubble up
   * for about 20 seconds or until our next message, so a long answer may need `on` again.
   */
  async sendTyping(to: string, options: TransportTypingOptions): Promise<void> {
    const args = typingArgs(this.name, to, options);
    throwIfRefused(this.name, 'typing', await postSenderAction(this.config, args.to, args.on ? 'typing_on' : 'typing_off'));
  }

  /**
   * `sender_action: mark_seen` for the user `to`. The Send API takes no message id: it marks the
   * conversation's latest message seen, which covers `providerMessageId` when that is the one just
   * received (the id is still checked, so callers keep saying what they read).
   */
  async markRead(providerMessageId: string, to: string): Promise<void> {
    const args = markReadArgs(this.name, providerMessageId, to);
    throwIfRefused(this.name, 'markRead', await postSenderAction(this.config, args.to, 'mark_seen'));
  }
}

export function createMessengerProvider(config: MessengerConfigInput): FacebookMessengerProvider {
  return new FacebookMessengerProvider(config);
}
