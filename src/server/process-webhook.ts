/**
 * One vendor webhook, framework-free: find the channel, verify the signature on the raw bytes,
 * parse, validate everything, then signal rooms. Any HTTP server can call it and write the reply
 * it returns; `createWebhookRouter` is the Express adapter.
 *
 * Expected refusals come back as replies (401/403 signature, 400 payload naming the field, 404
 * channel); nothing is signalled when any of them happens. Anything else (Temporal unreachable…)
 * is thrown, so the vendor gets a 5xx and retries later.
 */
import { RoomClosedError, WebhookNotSupportedError, WebhookSignatureError } from '../errors.js';
import type { RoomIngress } from './ingress.js';
import { parseInput } from '../kit/validate.js';
import { DeliveryStatus, InboundMessage } from '../models/index.js';
import type { WebhookOutcome, WebhookReply, WebhookRequest } from '../providers/webhook.js';
import { httpStatusOf, type HttpErrorBody } from './http-errors.js';
import { SenderAffinity, type RoomResolver, type SenderAffinityOptions } from './sender-affinity.js';
import type { SenderRateLimiter } from './auth/rate-limit.js';

export { WebhookNotSupportedError };

export interface ProcessWebhookOptions extends SenderAffinityOptions {
  /** Picks each message's room (passed to `signalInbound` as `roomId`); `undefined` ⇒ the kit's router. */
  roomFor?: RoomResolver;
  /**
   * Limits messages per sender (keyed `<channelId>:<senderId>`, after the signature is verified and
   * the payload parsed): over the rate ⇒ a 429 with `Retry-After`, and none of the webhook's messages
   * is signalled. In memory, per process.
   */
  rateLimiter?: SenderRateLimiter;
}

// One affinity table per kit, shared by every router and direct caller in this process.
const affinities = new WeakMap<RoomIngress, SenderAffinity>();
function affinityOf(kit: RoomIngress, options: SenderAffinityOptions): SenderAffinity {
  let affinity = affinities.get(kit);
  if (!affinity) {
    affinity = new SenderAffinity(kit, options);
    affinities.set(kit, affinity);
  }
  return affinity;
}

/**
 * @example
 * // Any framework: build the WebhookRequest from the raw request, write the reply back.
 * const reply = await processWebhook(kit, 'sms-twilio', {
 *   method: 'POST', url: 'https://example.com/webhooks/sms-twilio', headers, rawBody,
 * });
 * res.writeHead(reply.status, reply.contentType ? { 'content-type': reply.contentType } : {}).end(reply.body);
 */
export async function processWebhook(
  kit: RoomIngress,
  channelId: string,
  request: WebhookRequest,
  options: ProcessWebhookOptions = {},
): Promise<WebhookReply> {
  try {
    // No channel by that id, or one without a handler: the same 404 either way.
    const handler = kit.getChannel(channelId)?.webhook;
    if (!handler) throw new WebhookNotSupportedError(channelId);

    await handler.verify(request);
    const outcome = checked(await handler.parse(request, channelId));

    if (outcome.kind === 'messages') {
      options.rateLimiter?.take(outcome.messages.map((m) => `${channelId}:${m.senderId}`));
      const affinity = affinityOf(kit, options);
      // In order: a webhook carrying several messages of one sender keeps their order in the room.
      for (const message of outcome.messages) {
        try {
          await affinity.signal(message, options.roomFor);
        } catch (err) {
          // A room closed for good cannot take it, and a vendor retry would not change that: ack.
          if (!(err instanceof RoomClosedError)) throw err;
        }
      }
    }
    const statuses = outcome.kind === 'statuses' ? outcome.statuses : outcome.kind === 'messages' ? outcome.statuses ?? [] : [];
    for (const status of statuses) await kit.processDeliveryStatus(status);
    return outcome.reply ?? handler.ack ?? { status: 200 };
  } catch (err) {
    if (err instanceof WebhookSignatureError) kit.metrics?.webhookSignatureFailure(channelId);
    const reply = webhookErrorReply(err);
    if (reply) return reply;
    throw err;
  }
}

/** Validates every message/status before any is signalled, so a bad one leaves nothing half-done. */
function checked(outcome: WebhookOutcome): WebhookOutcome {
  if (outcome.kind === 'messages') {
    return {
      ...outcome,
      messages: outcome.messages.map((m, i) => parseInput(InboundMessage, m, 'inbound message', `messages.${i}`) as InboundMessage),
      ...(outcome.statuses && {
        statuses: outcome.statuses.map((s, i) => parseInput(DeliveryStatus, s, 'delivery status', `statuses.${i}`) as DeliveryStatus),
      }),
    };
  }
  if (outcome.kind === 'statuses') {
    return { ...outcome, statuses: outcome.statuses.map((s, i) => parseInput(DeliveryStatus, s, 'delivery status', `statuses.${i}`) as DeliveryStatus) };
  }
  return outcome;
}

/**
 * The answer for an expected refusal (a 4xx in the table of `http-errors.ts`, read for a webhook);
 * `undefined` for anything else, which the caller throws so the vendor gets a 5xx and retries.
 */
export function webhookErrorReply(err: unknown): WebhookReply | undefined {
  const { status, body, headers } = httpStatusOf(err, 'webhook');
  return status < 500 ? json(status, body, headers) : undefined;
}

function json(status: number, body: HttpErrorBody, headers?: Record<string, string>): WebhookReply {
  return { status, contentType: 'application/json', body: JSON.stringify(body), ...(headers && { headers }) };
}
