/**
 * RoomKit's generic HTTP provider (`WebhookHTTPProvider`): each delivery is a signed JSON POST
 * `{ recipient_id, channel_id, room_id, event_id, content: { type: 'text', body }, metadata, timestamp }`
 * to the configured URL; the receiver answers `{ message_id }` (or `{ id }`). `event_id` and the
 * `Idempotency-Key` header are the same on every retry of one delivery, so the receiver can drop
 * duplicates; `timestamp` is fresh per attempt and signed, so it can refuse replays.
 */
import http from 'node:http';
import https from 'node:https';
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, httpFailure, unreachable, VendorUnreachableError, type HttpAnswer } from '../http.js';
import { webhookContent } from './content.js';
import { parseHttpWebhookConfig, type HttpWebhookConfig, type HttpWebhookConfigInput } from './config.js';
import { assertPublicHost, PrivateNetworkError, systemLookup, type LookupFn } from './private-network.js';
import { guardedRequest } from './request.js';
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
    let answer: HttpAnswer;
    try {
      if (!this.config.allowPrivateNetwork) await assertPublicHost(this.url.hostname, this.lookup);
      answer = await guardedRequest(this.name, this.url, {
        method: 'POST', headers, body, timeoutMs: this.config.timeoutMs, agent: this.agent,
        ...(!this.config.allowPrivateNetwork && { guard: { lookup: this.lookup } }),
      });
    } catch (err) {
      if (err instanceof PrivateNetworkError) {
        return { success: false, error: err.message, metadata: { code: 'private_network_target', retryable: false } };
      }
      if (err instanceof VendorUnreachableError) return unreachable(err);
      // A DNS failure in the pre-check: the name may resolve later.
      return unreachable(new VendorUnreachableError(this.name, String((err as Error).message ?? err), { cause: err }));
    }
    if (answer.status >= 200 && answer.status < 300) {
      const data = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as { message_id?: unknown; id?: unknown };
      const id = data.message_id ?? data.id;
      // A receiver that answers without an id (204) still accepted the event: our event id stands in.
      const providerMessageId = typeof id === 'string' || typeof id === 'number' ? String(id) : event.id;
      return { success: true, providerMessageId };
    }
    return refusal(answer);
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

/** Receivers are ours to define; read the common shapes `{ error: { code, message } }`, `{ code, message }`, `{ error: "…" }`. */
function refusal(answer: HttpAnswer): ProviderResult {
  const body = (answer.body && typeof answer.body === 'object' ? answer.body : {}) as Record<string, unknown>;
  const nested = body.error && typeof body.error === 'object' ? (body.error as Record<string, unknown>) : undefined;
  const pick = (...values: unknown[]) => values.find((v) => typeof v === 'string' || typeof v === 'number') as string | number | undefined;
  const code = pick(nested?.code, body.code, typeof body.error === 'string' ? body.error : undefined);
  const message = pick(nested?.message, body.message, typeof answer.body === 'string' ? answer.body.slice(0, 500) : undefined);
  return httpFailure(answer, { code, message: message === undefined ? undefined : String(message) });
}

export function createHttpWebhookProvider(config: HttpWebhookConfigInput, options: HttpWebhookProviderOptions = {}): WebhookHTTPProvider {
  return new WebhookHTTPProvider(config, options);
}
