import type { ProviderResult, RoomEvent } from '../../models/index.js';

/** Where and how one SMS goes out. */
export interface SMSSendOptions {
  /** Recipient phone number (E.164). */
  to: string;
  /** Sender number; the provider's default when absent. */
  from?: string;
  /** Stable across retries of one delivery, so the vendor can refuse a double send. */
  idempotencyKey?: string;
}

/**
 * An SMS vendor. `send` reports a refusal as `{ success: false, error, metadata: { code, retryable } }`
 * and throws only for failures it cannot classify (network down); the caller decides on retries.
 */
export interface SMSProvider {
  readonly name: string;
  send(event: RoomEvent, options: SMSSendOptions): Promise<ProviderResult>;
  close?(): Promise<void>;
}
