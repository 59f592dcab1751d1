/**
 * The contract a vendor provider implements for `TransportChannel`. It lives with the providers
 * (not the channel) so providers depend on nothing above them; `channels/transport.ts` re-exports it.
 */
import type { ProviderResult, RoomEvent } from '../models/index.js';
import type { WebhookHandler } from './webhook.js';

/** What every transport provider is given: the recipient, a retry-stable key, and channel defaults. */
export interface TransportSendOptions {
  to: string;
  idempotencyKey?: string;
  [option: string]: unknown;
}

/** How a typing indicator is asked for; channel defaults from the binding ride along (Teams `serviceUrl`). */
export interface TransportTypingOptions {
  /** `true` shows the indicator, `false` clears it. */
  on: boolean;
  /**
   * The vendor id of the inbound message being answered. WhatsApp shows typing only as part of
   * reading one, so it needs this; Messenger and Teams ignore it.
   */
  replyToMessageId?: string;
  [option: string]: unknown;
}

/** Channel defaults from the binding for a read receipt (Teams `serviceUrl`…); none is required. */
export interface TransportMarkReadOptions {
  [option: string]: unknown;
}

/**
 * The slice of a provider a transport channel needs; `SMSProvider` and friends satisfy it.
 *
 * `sendTyping` and `markRead` are optional: a provider implements them only where its vendor has
 * them. They resolve when the vendor accepted and throw `ProviderActionError` (vendor code kept,
 * `retryable` as for sends) when it refused; bad arguments throw `RoomKitValidationError`.
 * - Messenger: Send API `sender_action` `typing_on` / `typing_off`; `markRead` is `mark_seen`, which
 *   marks the conversation's latest message seen (the message id is not sent: the API takes none).
 * - WhatsApp Cloud: `markRead` is `status: read` for that wamid (earlier ones are read with it);
 *   typing is a read receipt with `typing_indicator` for `replyToMessageId`, so it needs that id.
 *   There is no "typing off": the indicator goes when we answer or after 25 s, so `on: false` is a
 *   no-op.
 * - Teams: a Bot Framework `typing` activity; it shows for about three seconds, and a message
 *   clears it, so `on: false` is a no-op. Bot Framework has no outbound read receipt: no `markRead`.
 */
export interface TransportProvider {
  readonly name?: string;
  /** Verifies and parses the vendor's inbound and status webhooks. */
  readonly webhook?: WebhookHandler;
  send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult>;
  /** Shows or clears the vendor's typing indicator for `to` (the channel's recipient address). */
  sendTyping?(to: string, options: TransportTypingOptions): Promise<void>;
  /** Tells the vendor we read `providerMessageId`, an inbound message from `to`. */
  markRead?(providerMessageId: string, to: string, options?: TransportMarkReadOptions): Promise<void>;
  close?(): Promise<void>;
}
