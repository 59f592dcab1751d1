/**
 * Sinch SMS: `POST {baseUrl}/xms/v1/{servicePlanId}/batches` with a Bearer token, one recipient
 * per batch. A media URL makes it an `mt_media` batch (Sinch MMS). The batch id is the message id
 * delivery reports refer to.
 */
import type { TransportSendOptions } from '../transport.js';
import type { ProviderResult, RoomEvent } from '../../models/index.js';
import { EMPTY_MESSAGE, httpFailure, unreachable, vendorRequest, VendorUnreachableError, type HttpAnswer } from '../http.js';
import type { WebhookHandler } from '../webhook.js';
import { parseSinchConfig, sinchBaseUrl, type SinchConfig, type SinchConfigInput } from './config.js';
import { outboundParts } from '../sms/content.js';
import { SinchWebhookHandler } from './webhook.js';

/** `{ code, text }` (SMS REST API) or `{ error: { code, message } }` (gateway) ⇒ code and message. */
export function sinchError(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null) return { message: typeof body === 'string' ? body.slice(0, 200) : undefined };
  const record = body as { code?: unknown; text?: unknown; error?: { code?: unknown; message?: unknown; status?: unknown } };
  if (typeof record.code === 'string' || typeof record.code === 'number') {
    return { code: String(record.code), message: typeof record.text === 'string' ? record.text : undefined };
  }
  const inner = record.error;
  if (inner && typeof inner === 'object') {
    const code = typeof inner.status === 'string' ? inner.status : typeof inner.code === 'number' ? String(inner.code) : undefined;
    return { code, message: typeof inner.message === 'string' ? inner.message : undefined };
  }
  return {};
}

/**
 * @example
 * const sinch = new SinchSMSProvider({ servicePlanId, apiToken, fromNumber: '+15550000000', webhookSecret });
 * kit.registerChannel(new SMSChannel('sms-main', { provider: sinch }));
 */
export class SinchSMSProvider {
  readonly name = 'sinch';
  readonly webhook: WebhookHandler | undefined;
  readonly config: SinchConfig;

  constructor(config: SinchConfigInput) {
    this.config = parseSinchConfig(config);
    this.webhook = this.config.webhookSecret
      ? new SinchWebhookHandler({
        secret: this.config.webhookSecret, scheme: this.config.signatureScheme, toleranceSeconds: this.config.toleranceSeconds,
      })
      : undefined;
  }

  async send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult> {
    const { text, mediaUrls } = outboundParts(event);
    if (!text && mediaUrls.length === 0) return EMPTY_MESSAGE;
    const from = typeof options.from === 'string' && options.from ? options.from : this.config.fromNumber;
    // Sinch has no idempotency key; `client_reference` at least ties delivery reports to the delivery.
    const reference = options.idempotencyKey ? { client_reference: options.idempotencyKey } : {};
    const body = mediaUrls.length > 0
      ? { ...(from && { from }), to: [options.to], type: 'mt_media', body: { url: mediaUrls[0], ...(text && { message: text }) }, ...reference }
      : { ...(from && { from }), to: [options.to], body: text, ...reference };
    let answer: HttpAnswer;
    try {
      answer = await vendorRequest('sinch', `${sinchBaseUrl(this.config)}/xms/v1/${encodeURIComponent(this.config.servicePlanId)}/batches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.config.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        timeoutMs: this.config.timeoutMs,
      });
    } catch (err) {
      if (err instanceof VendorUnreachableError) return unreachable(err);
      throw err;
    }
    if (answer.status < 200 || answer.status >= 300) return httpFailure(answer, sinchError(answer.body));
    const id = (answer.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string' || id === '') {
      return { success: false, error: 'sinch accepted the batch but returned no id', metadata: { code: 'invalid_response', retryable: false } };
    }
    return { success: true, providerMessageId: id };
  }
}
