/**
 * The contract between the HTTP edge and a vendor's webhook code. The edge keeps the raw body,
 * calls `verify` (signature, freshness) before anything is parsed, then `parse`, then signals rooms.
 * Handlers are framework-free so `kit.processWebhook` works behind any HTTP server.
 */
import type { DeliveryStatus, InboundMessage } from '../models/index.js';

/** One HTTP request as the vendor sent it. */
export interface WebhookRequest {
  method: string;
  /**
   * The absolute public URL the vendor called, query included (`https://example.com/webhooks/sms?x=1`).
   * Twilio signs it, so behind a proxy the edge must be told the public base URL.
   */
  url: string;
  /** Header names lower-cased; repeated headers joined with ', '. */
  headers: Record<string, string | undefined>;
  /** The body bytes exactly as received (signatures are computed over them). */
  rawBody: Buffer;
}

/** What the edge answers. */
export interface WebhookReply {
  status: number;
  contentType?: string;
  body?: string;
  /** Other response headers (`Retry-After` on a 429). */
  headers?: Record<string, string>;
}

export type WebhookOutcome =
  /** Inbound messages, each with `idempotencyKey` = the vendor's message id. */
  | {
      kind: 'messages';
      messages: InboundMessage[];
      /** Reports batched in the same request (Meta sends both in one POST). */
      statuses?: DeliveryStatus[];
      reply?: WebhookReply;
    }
  /** Reports on messages we sent (`channelId` is the route's channel). */
  | { kind: 'statuses'; statuses: DeliveryStatus[]; reply?: WebhookReply }
  /** A handshake answered without touching a room (WhatsApp's `hub.challenge`). */
  | { kind: 'reply'; reply: WebhookReply }
  /** Valid but nothing for a room (typing indicators, read receipts we do not track…). */
  | { kind: 'ignored'; reason: string; reply?: WebhookReply };

export interface WebhookHandler {
  /** Vendor name used in errors and `DeliveryStatus.provider` (`twilio`, `telnyx`…). */
  readonly provider: string;
  /**
   * Throws `WebhookSignatureError` (401 missing, 403 wrong or stale). Runs before `parse`. A
   * handshake request (e.g. a GET verify-token challenge) is checked here too.
   */
  verify(request: WebhookRequest): void | Promise<void>;
  /** Throws `WebhookPayloadError` naming the offending field. `channelId` is the route's channel. */
  parse(request: WebhookRequest, channelId: string): WebhookOutcome | Promise<WebhookOutcome>;
  /** The answer the vendor expects on success when the outcome carries none (Twilio: empty TwiML). */
  readonly ack?: WebhookReply;
}
