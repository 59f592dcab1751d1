/**
 * Inbound generic webhooks (RoomKit `parse_http_webhook`): a JSON body
 * `{ sender_id, body, external_id?, metadata?, timestamp? }` signed with `X-RoomKit-Signature`.
 * `external_id` is the sender's message id and becomes the idempotency key, so a retried POST does
 * not post twice; without it there is no dedupe.
 */
import { z } from 'zod';
import { WebhookPayloadError, WebhookSignatureError } from '../../errors.js';
import type { InboundMessage } from '../../models/index.js';
import { JsonRecord } from '../../models/json.js';
import type { WebhookHandler, WebhookOutcome, WebhookReply, WebhookRequest } from '../webhook.js';
import { verifyRoomKitSignature } from './signature.js';

export const HttpWebhookPayload = z
  .object({
    sender_id: z.string().min(1),
    body: z.string().min(1),
    external_id: z.string().min(1).max(512).optional(),
    metadata: JsonRecord.optional(),
    /** ISO-8601 or Unix seconds; covered by the signature, so it cannot be refreshed by a replayer. */
    timestamp: z.union([z.string(), z.number()]).optional(),
  })
  .loose();
export type HttpWebhookPayload = z.infer<typeof HttpWebhookPayload>;

export interface HttpWebhookHandlerOptions {
  secret: string;
  timestampToleranceSeconds?: number;
  requireTimestamp?: boolean;
  now?: () => number;
}

const PROVIDER = 'http-webhook';

/**
 * Checks `X-RoomKit-Signature` over the raw body, then the signed `timestamp` field when present
 * (or required). Throws `WebhookSignatureError`: 401 without a signature, 403 wrong or stale.
 *
 * @example
 * verifyHttpWebhook(request, { secret: config.hookSecret });
 */
export function verifyHttpWebhook(request: WebhookRequest, options: HttpWebhookHandlerOptions): void {
  verifyRoomKitSignature(PROVIDER, request, options.secret);
  const stamp = timestampOf(request.rawBody);
  if (stamp === undefined) {
    if (options.requireTimestamp) throw new WebhookSignatureError(PROVIDER, 'body has no timestamp', 403);
    return;
  }
  const toleranceMs = (options.timestampToleranceSeconds ?? 300) * 1000;
  if (!Number.isFinite(stamp) || Math.abs((options.now ?? Date.now)() - stamp) > toleranceMs) {
    throw new WebhookSignatureError(PROVIDER, 'timestamp is missing, malformed or outside the tolerance (replay?)', 403);
  }
}

/**
 * A verified body as one inbound text message (`external_id`, when given, is its idempotency key).
 * Throws `WebhookPayloadError` with the first zod issue's path.
 *
 * @example
 * const outcome = parseHttpWebhook(request, 'hook');
 */
export function parseHttpWebhook(request: WebhookRequest, channelId: string): WebhookOutcome {
  let raw: unknown;
  try {
    raw = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    throw new WebhookPayloadError(PROVIDER, '(root)', 'body is not JSON');
  }
  const parsed = HttpWebhookPayload.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookPayloadError(PROVIDER, issue.path.join('.') || '(root)', issue.message);
  }
  const payload = parsed.data;
  const id = payload.external_id;
  const message: InboundMessage = {
    channelId,
    senderId: payload.sender_id,
    content: { type: 'text', body: payload.body },
    ...(id && { externalId: id, providerMessageId: id, idempotencyKey: id }),
    rawPayload: raw as Record<string, unknown>,
    ...(payload.metadata && { metadata: payload.metadata }),
  };
  return { kind: 'messages', messages: [message] };
}

/**
 * @example
 * const inbound = new HttpWebhookHandler({ secret: config.hookSecret });
 * kit.registerChannel(new HTTPChannel('hook', { webhook: inbound }));
 */
export class HttpWebhookHandler implements WebhookHandler {
  readonly provider = PROVIDER;
  readonly ack: WebhookReply = { status: 200, contentType: 'application/json', body: '{"ok":true}' };

  constructor(private readonly options: HttpWebhookHandlerOptions) {}

  verify(request: WebhookRequest): void {
    verifyHttpWebhook(request, this.options);
  }

  parse(request: WebhookRequest, channelId: string): WebhookOutcome {
    return parseHttpWebhook(request, channelId);
  }
}

/** Milliseconds since the epoch; undefined when the body has none; NaN when unreadable. */
function timestampOf(rawBody: Buffer): number | undefined {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return undefined; // parse() reports the body
  }
  const stamp = (body as { timestamp?: unknown } | null)?.timestamp;
  if (stamp === undefined || stamp === null) return undefined;
  if (typeof stamp === 'number') return stamp * 1000;
  return typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN;
}
