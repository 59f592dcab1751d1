/** The Teams (Bot Framework) provider; the activities wire call lives in `client.ts`. */
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { AccessTokenCache } from './access-token.js';
import { postActivity } from './client.js';
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

/**
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
    return postActivity(this.config, serviceUrl, options.to, token.token, message, () => this.token.invalidate());
  }

  private async serviceUrlFor(options: TeamsSendOptions): Promise<string | undefined> {
    if (typeof options.serviceUrl === 'string' && options.serviceUrl) return options.serviceUrl;
    const reference = await this.conversations.get(options.to);
    return reference?.serviceUrl ?? this.config.defaultServiceUrl;
  }
}

/** Builds the provider from plain config (the composition root parses env into it). */
export function createTeamsProvider(config: TeamsConfigInput, options: TeamsProviderOptions = {}): BotFrameworkTeamsProvider {
  return new BotFrameworkTeamsProvider(config, options);
}
