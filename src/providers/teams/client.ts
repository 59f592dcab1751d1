/**
 * Teams over the Bot Framework REST API, without the (archived) botbuilder SDK: a client-credentials
 * token, then `POST {serviceUrl}/v3/conversations/{conversationId}/activities`. The serviceUrl comes
 * from the binding (`serviceUrl` metadata), else the conversation reference stored by the webhook,
 * else `defaultServiceUrl`. Bot Framework has no idempotency key, so a retried delivery after a lost
 * answer can post twice; Temporal retries only what failed, which keeps that window small.
 */
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, httpFailure, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import { AccessTokenCache } from './access-token.js';
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
    const url = `${serviceUrl.replace(/\/+$/, '')}/v3/conversations/${encodeURIComponent(options.to)}/activities`;
    let answer: HttpAnswer;
    try {
      answer = await vendorRequest(this.name, url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: message.text, textFormat: message.textFormat }),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      if (err instanceof VendorUnreachableError) return unreachable(err);
      throw err;
    }
    if (answer.status >= 200 && answer.status < 300) {
      const id = (answer.body as { id?: unknown } | undefined)?.id;
      return { success: true, ...(typeof id === 'string' && id && { providerMessageId: id }), metadata: { serviceUrl } };
    }
    return this.refusal(answer);
  }

  private async serviceUrlFor(options: TeamsSendOptions): Promise<string | undefined> {
    if (typeof options.serviceUrl === 'string' && options.serviceUrl) return options.serviceUrl;
    const reference = await this.conversations.get(options.to);
    return reference?.serviceUrl ?? this.config.defaultServiceUrl;
  }

  /** Bot Framework refusals: `{ error: { code, message } }` (`BotNotInConversationRoster`, `ConversationNotFound`…). */
  private refusal(answer: HttpAnswer): ProviderResult {
    const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : undefined;
    const message = typeof error?.message === 'string' ? error.message : typeof answer.body === 'string' ? answer.body.slice(0, 500) : undefined;
    const result = httpFailure(answer, { code, message });
    // Teams' rate-limit guidance lists 412 with 429/502/504 as worth a backed-off retry.
    if (answer.status === 412) return { ...result, metadata: { ...result.metadata, retryable: true } };
    if (answer.status === 401) {
      // Our token was refused (secret rotated, token revoked): drop it so the retry fetches a new one.
      this.token.invalidate();
      return { ...result, metadata: { ...result.metadata, retryable: true } };
    }
    return result;
  }
}

/** Builds the provider from plain config (the composition root parses env into it). */
export function createTeamsProvider(config: TeamsConfigInput, options: TeamsProviderOptions = {}): BotFrameworkTeamsProvider {
  return new BotFrameworkTeamsProvider(config, options);
}
