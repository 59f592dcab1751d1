/** RoomKit's generic HTTP provider (`WebhookHTTPProvider`); the delivery POST lives in `client.ts`. */
import http from 'node:http';
import https from 'node:https';
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE } from '../http.js';
import { postDelivery } from './client.js';
import { webhookContent } from './content.js';
import { parseHttpWebhookConfig, type HttpWebhookConfig, type HttpWebhookConfigInput } from './config.js';
import { systemLookup, type LookupFn } from './private-network.js';
import { roomKitSignature } from './signature.js';
import { HttpWebhookHandler } from './webhook.js';

export interface HttpWebhookProviderOptions {
  /** Name resolution for the SSRF check (tests resolve names without DNS). Default `dns.lookup`. */
  lookup?: LookupFn;
  now?: () => number;
}

/**
 * @example
 * const hook = createHttpWebhookProvider({ url: 'https://hooks.example.com/roomkit', secret: '…' });
 * kit.registerChannel(new HTTPChannel('hook', { provider: hook }));
 * await kit.attachChannel('room-1', 'hook', { metadata: { recipientId: 'crm-42' } });
 */
export class WebhookHTTPProvider implements TransportProvider {
  readonly name = 'http-webhook';
  /** Verifies inbound posts with the same secret; absent without a secret. */
  readonly webhook: HttpWebhookHandler | undefined;
  readonly config: HttpWebhookConfig;
  private readonly url: URL;
  private readonly lookup: LookupFn;
  private readonly agent: http.Agent;

  constructor(config: HttpWebhookConfigInput, options: HttpWebhookProviderOptions = {}) {
    this.config = parseHttpWebhookConfig(config);
    this.url = new URL(this.config.url);
    this.lookup = options.lookup ?? systemLookup;
    this.agent = this.url.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.webhook = this.config.secret
      ? new HttpWebhookHandler({
        secret: this.config.secret, timestampToleranceSeconds: this.config.timestampToleranceSeconds,
        requireTimestamp: this.config.requireTimestamp, now: options.now,
      })
      : undefined;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const content = webhookContent(event.content);
    if (!content) return EMPTY_MESSAGE;
    const body = JSON.stringify({
      recipient_id: options.to,
      channel_id: event.source.channelId,
      room_id: event.roomId,
      event_id: event.id,
      content,
      metadata: event.metadata,
      timestamp: new Date().toISOString(),
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'roomkit-ts',
      ...this.config.headers,
      ...(this.config.secret && { 'x-roomkit-signature': roomKitSignature(this.config.secret, body) }),
      ...(options.idempotencyKey && { 'idempotency-key': options.idempotencyKey }),
    };
    return postDelivery({ config: this.config, url: this.url, lookup: this.lookup, agent: this.agent }, body, headers, event.id);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

export function createHttpWebhookProvider(config: HttpWebhookConfigInput, options: HttpWebhookProviderOptions = {}): WebhookHTTPProvider {
  return new WebhookHTTPProvider(config, options);
}
