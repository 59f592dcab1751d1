/**
 * WhatsApp Cloud API client: `POST {graph}/{version}/{phoneNumberId}/messages` with a bearer token.
 * Refusals come back as data (`ProviderResult`), never thrown; Temporal decides on retries.
 */
import type { TransportProvider, TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent, TemplateContent } from '../../models/index.js';
import { EMPTY_MESSAGE, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import { graphUrl } from '../meta/config.js';
import { graphFailure, type GraphError } from '../meta/graph-error.js';
import type { WebhookHandler } from '../webhook.js';
import { parseWhatsAppConfig, type WhatsAppConfig, type WhatsAppConfigInput } from './config.js';
import { messageBodies, type WhatsAppMessageBody } from './payload.js';
import { templateBody, templateFromContent, type WhatsAppTemplate } from './template.js';
import { createWhatsAppWebhook } from './webhook.js';
import {
  isWindowClosed, LEGACY_WINDOW_CLOSED_CODE, WINDOW_CLOSED_CODE, WINDOW_CLOSED_MESSAGE, windowClosedResult,
} from './window.js';

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
 * Graph codes worth retrying although HTTP says 400: throttling (4 app calls, 80007 WABA limit,
 * 130429 throughput, 131048 spam-rate limit, 131056 pair rate limit) and Meta's temporary outages
 * (2 service, 131016 service unavailable, 133004 server temporarily unavailable).
 */
export const WHATSAPP_RETRYABLE_CODES: ReadonlySet<number> = new Set([4, 80007, 130429, 131048, 131056, 2, 131016, 133004]);

const GRAPH_RULES = {
  retryableCodes: WHATSAPP_RETRYABLE_CODES,
  explain: (error: GraphError) => {
    const code = String(error.code);
    return code === WINDOW_CLOSED_CODE || code === LEGACY_WINDOW_CLOSED_CODE
      ? { message: WINDOW_CLOSED_MESSAGE, metadata: { windowClosed: true } }
      : undefined;
  },
};

/** Meta's cap on `biz_opaque_callback_data`. */
const CALLBACK_DATA_CHARS = 512;

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
      const result = await this.post(options.to, body, options);
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
    return this.post(to, body, options);
  }

  /** Reacts to a message (`messageId` is its wamid); an empty emoji removes the reaction. */
  async sendReaction(
    to: string,
    messageId: string,
    emoji: string,
    options: { idempotencyKey?: string } = {},
  ): Promise<ProviderResult> {
    return this.post(to, { type: 'reaction', reaction: { message_id: messageId, emoji } }, options);
  }

  /**
   * Where an inbound media id can be downloaded: Meta answers `{ url, mime_type, sha256, file_size }`;
   * the URL is short-lived and needs the same bearer token.
   */
  async getMedia(mediaId: string): Promise<{ url: string; mimeType?: string; sha256?: string; fileSize?: number }> {
    const answer = await vendorRequest(this.name, graphUrl(this.config, mediaId), {
      method: 'GET', headers: { authorization: `Bearer ${this.config.accessToken}` }, timeoutMs: this.config.timeoutMs,
    });
    const body = answer.body as { url?: unknown; mime_type?: string; sha256?: string; file_size?: number };
    if (answer.status >= 300 || typeof body?.url !== 'string') {
      throw new Error(`whatsapp media ${mediaId}: ${graphFailure(answer, GRAPH_RULES).error}`);
    }
    return { url: body.url, mimeType: body.mime_type, sha256: body.sha256, fileSize: body.file_size };
  }

  private async post(
    to: string,
    body: WhatsAppMessageBody,
    options: { idempotencyKey?: string; replyTo?: string },
  ): Promise<ProviderResult> {
    const payload = {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to,
      ...(options.replyTo && { context: { message_id: options.replyTo } }),
      ...body,
      // The Graph API has no idempotency key; the retry-stable key rides along so status webhooks
      // (statuses[].biz_opaque_callback_data) can be tied back to the delivery. Reactions take none.
      ...(options.idempotencyKey && body.type !== 'reaction' && {
        biz_opaque_callback_data: options.idempotencyKey.slice(0, CALLBACK_DATA_CHARS),
      }),
    };
    let answer: HttpAnswer;
    try {
      answer = await vendorRequest(this.name, graphUrl(this.config, this.config.phoneNumberId, 'messages'), {
        method: 'POST',
        headers: { authorization: `Bearer ${this.config.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      if (err instanceof VendorUnreachableError) return unreachable(err);
      throw err;
    }
    if (answer.status < 200 || answer.status >= 300) return graphFailure(answer, GRAPH_RULES);
    const id = (answer.body as { messages?: { id?: unknown }[] })?.messages?.[0]?.id;
    if (typeof id !== 'string' || !id) {
      // Accepted without an id: retrying could send twice, so the failure is final.
      return { success: false, error: 'WhatsApp answered without messages[0].id', metadata: { code: 'invalid_response', retryable: false, httpStatus: answer.status } };
    }
    return { success: true, providerMessageId: id };
  }
}

export function createWhatsAppProvider(config: WhatsAppConfigInput): WhatsAppProvider {
  return new WhatsAppProvider(config);
}
