/**
 * Facebook Messenger Send API: `POST {graph}/{version}/{pageId|me}/messages?access_token=…` with
 * `recipient.id` (the user's PSID), `messaging_type` and `message`. Answers `{ recipient_id, message_id }`.
 */
import { createHmac } from 'node:crypto';
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import { graphUrl } from '../meta/config.js';
import { graphFailure, type GraphError } from '../meta/graph-error.js';
import type { WebhookHandler } from '../webhook.js';
import { isWindowClosed } from '../meta/window.js';
import { parseMessengerConfig, type MessengerConfig, type MessengerConfigInput } from './config.js';
import { messengerMessages, type MessengerMessage } from './payload.js';
import { createMessengerWebhook } from './webhook.js';
import {
  MESSENGER_WINDOW_CLOSED_MESSAGE, MESSENGER_WINDOW_CODE, MESSENGER_WINDOW_SUBCODE, messengerWindowClosedResult,
} from './window.js';

export interface MessengerSendOptions extends TransportSendOptions {
  /** Overrides the configured `messagingType`; `MESSAGE_TAG` needs `tag`. */
  messagingType?: 'RESPONSE' | 'UPDATE' | 'MESSAGE_TAG';
  /** A message tag (`ACCOUNT_UPDATE`, `HUMAN_AGENT`…); implies `MESSAGE_TAG`. */
  tag?: string;
  /** When the user last wrote (ISO-8601 or epoch ms); older than 24 h and untagged ⇒ refused locally. */
  lastInboundAt?: string | number;
}

/**
 * Graph codes worth retrying whatever the HTTP status: 2 (unexpected, "retry later"), 4/17/32/613
 * (app, user, page and API rate limits), 1200 ("temporary send message failure"), 80001/80006
 * (Pages and Messenger business-use-case rate limits).
 */
export const MESSENGER_RETRYABLE_CODES: ReadonlySet<number> = new Set([2, 4, 17, 32, 613, 1200, 80001, 80006]);

const GRAPH_RULES = {
  retryableCodes: MESSENGER_RETRYABLE_CODES,
  explain: (error: GraphError) =>
    String(error.code) === MESSENGER_WINDOW_CODE && String(error.error_subcode) === MESSENGER_WINDOW_SUBCODE
      ? { message: MESSENGER_WINDOW_CLOSED_MESSAGE, metadata: { windowClosed: true } }
      : undefined,
};

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
      const result = await this.post(options, message);
      if (!result.success) return ids.length ? { ...result, metadata: { ...result.metadata, sentMessageIds: ids } } : result;
      ids.push(result.providerMessageId!);
    }
    return ids.length === 1
      ? { success: true, providerMessageId: ids[0] }
      : { success: true, providerMessageId: ids[0], metadata: { messageIds: ids } };
  }

  private url(): string {
    const url = new URL(graphUrl(this.config, this.config.pageId, 'messages'));
    url.searchParams.set('access_token', this.config.pageAccessToken);
    if (this.config.appSecretProof && this.config.appSecret) {
      url.searchParams.set('appsecret_proof', createHmac('sha256', this.config.appSecret).update(this.config.pageAccessToken).digest('hex'));
    }
    return url.toString();
  }

  private async post(options: MessengerSendOptions, message: MessengerMessage): Promise<ProviderResult> {
    const messagingType = options.tag ? 'MESSAGE_TAG' : options.messagingType ?? this.config.messagingType;
    const body = {
      recipient: { id: options.to },
      messaging_type: messagingType,
      ...(options.tag && { tag: options.tag }),
      message,
    };
    let answer: HttpAnswer;
    try {
      answer = await vendorRequest(this.name, this.url(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      if (err instanceof VendorUnreachableError) return unreachable(err);
      throw err;
    }
    if (answer.status < 200 || answer.status >= 300) return graphFailure(answer, GRAPH_RULES);
    const id = (answer.body as { message_id?: unknown })?.message_id;
    if (typeof id !== 'string' || !id) {
      return { success: false, error: 'Messenger answered without message_id', metadata: { code: 'invalid_response', retryable: false, httpStatus: answer.status } };
    }
    return { success: true, providerMessageId: id };
  }
}

export function createMessengerProvider(config: MessengerConfigInput): FacebookMessengerProvider {
  return new FacebookMessengerProvider(config);
}
