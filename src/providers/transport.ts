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

/** The slice of a provider a transport channel needs; `SMSProvider` and friends satisfy it. */
export interface TransportProvider {
  readonly name?: string;
  /** Verifies and parses the vendor's inbound and status webhooks. */
  readonly webhook?: WebhookHandler;
  send(event: RoomEvent, options: TransportSendOptions): Promise<ProviderResult>;
  close?(): Promise<void>;
}
