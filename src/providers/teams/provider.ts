/** The Teams (Bot Framework) provider; the activities wire call lives in `client.ts`. */
import { throwIfRefused, typingArgs } from '../actions.js';
import type { TransportProvider, TransportSendOptions, TransportTypingOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { AccessTokenCache } from './access-token.js';
import { postActivity, type OutboundActivity } from './client.js';
import { parseTeamsConfig, type TeamsConfig, type TeamsConfigInput } from './config.js';
import { InMemoryConversationReferenceStore, type ConversationReferenceStore } from './conversation-store.js';
import { outboundText } from './outbound.js';
import { SigningKeySource } from './signing-keys.js';
import { TeamsWebhookHandler } from './webhook.js';

export interface TeamsProviderOptions {
  /** Shared by the webhook (writes) and `send` (reads). Default: in memory, this process only. */
  conversations?: ConversationReferenceStore;
  /** Clock for token expiry and JWT lifetime checks (tests). */
  now?: () => number;
}

export interface TeamsSendOptions extends TransportSendOptions {
  /** The Teams conversation id (`a:…` personal, `19:…@thread.tacv2` channel or group chat). */
  to: string;
  /** Overrides the stored reference (set it in the binding metadata for split deployments). */
  serviceUrl?: string;
}

/** A typing indicator's options: `serviceUrl` as for sends (binding metadata wins over the stored reference). */
export interface TeamsTypingOptions extends TransportTypingOptions {
  serviceUrl?: string;
}

/**
 * Sends messages and typing indicators. There is no `markRead`: the Bot Framework REST API has no
 * call for a bot to mark a user's message read, so Teams users never see a bot's read receipt.
 *
 * @example
 * const teams = createTeamsProvider({ appId: '…', appPassword: '…' });
 * kit.registerChannel(new TeamsChannel('teams-main', { provider: teams }));
 * // Mount teams.webhook at your bot's messaging endpoint; it stores each conversation's serviceUrl.
 */
export class BotFrameworkTeamsProvider implements TransportProvider {
  readonly name = 'teams';
  readonly webhook: TeamsWebhookHandler;
  readonly conversations: ConversationReferenceStore;
  readonly config: TeamsConfig;
  private readonly token: AccessTokenCache;

  constructor(config: TeamsConfigInput, options: TeamsProviderOptions = {}) {
    this.config = parseTeamsConfig(config);
    this.conversations = options.conversations ?? new InMemoryConversationReferenceStore();
    this.token = new AccessTokenCache({
      tokenUrl: this.config.tokenUrl, clientId: this.config.appId, clientSecret: this.config.appPassword,
      scope: this.config.scope, timeoutMs: this.config.timeoutMs, now: options.now,
    });
    const keys = new SigningKeySource({
      jwks: this.config.jwks, openIdMetadataUrl: this.config.openIdMetadataUrl,
      ttlMs: this.config.jwksTtlMs, timeoutMs: this.config.timeoutMs, now: options.now,
    });
    this.webhook = new TeamsWebhookHandler({ config: this.config, keys, conversations: this.conversations, now: options.now });
  }

  async send(event: RoomEvent, options: TeamsSendOptions): Promise<ProviderResult> {
    const message = outboundText(event.content);
    if (!message) return EMPTY_MESSAGE;
    return this.post(options, { type: 'message', ...message });
  }

  /**
   * A `typing` activity in the conversation `to`, through the same endpoint and token as messages.
   * Teams shows it for about three seconds and our next message clears it; Bot Framework has no
   * "stop typing", so `on: false` sends nothing. Refusals throw `ProviderActionError` with the Bot
   * Framework code (`BotNotInConversationRoster`, `ConversationNotFound`…).
   */
  async sendTyping(to: string, options: TeamsTypingOptions): Promise<void> {
    const args = typingArgs(this.name, to, options);
    if (!args.on) return;
    throwIfRefused(this.name, 'typing', await this.post({ to: args.to, serviceUrl: options.serviceUrl }, { type: 'typing' }));
  }

  /** One activity to a conversation, on its serviceUrl, with a bot token; a refusal comes back as data. */
  private async post(options: { to: string; serviceUrl?: unknown }, activity: OutboundActivity): Promise<ProviderResult> {
    const serviceUrl = await this.serviceUrlFor(options);
    if (!serviceUrl) {
      return {
        success: false,
        error: `no serviceUrl known for conversation ${options.to}: receive one of its activities first, set serviceUrl in the binding metadata, or configure defaultServiceUrl`,
        metadata: { code: 'missing_service_url', retryable: false },
      };
    }
    const token = await this.token.get();
    if ('failure' in token) return token.failure;
    return postActivity(this.config, serviceUrl, options.to, token.token, activity, () => this.token.invalidate());
  }

  private async serviceUrlFor(options: { to: string; serviceUrl?: unknown }): Promise<string | undefined> {
    if (typeof options.serviceUrl === 'string' && options.serviceUrl) return options.serviceUrl;
    const reference = await this.conversations.get(options.to);
    return reference?.serviceUrl ?? this.config.defaultServiceUrl;
  }
}

/** Builds the provider from plain config (the composition root parses env into it). */
export function createTeamsProvider(config: TeamsConfigInput, options: TeamsProviderOptions = {}): BotFrameworkTeamsProvider {
  return new BotFrameworkTeamsProvider(config, options);
}
