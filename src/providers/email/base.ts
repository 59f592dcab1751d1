import type { ProviderResult, RoomEvent } from '../../models/index.js';

/**
 * Where and how one email goes out. `EmailChannel` fills `subject`, `inReplyTo` and `references`
 * from the binding's metadata, so a room bound to an email thread keeps replying inside it.
 */
export interface EmailSendOptions {
  /** Recipient address. */
  to: string;
  /** Sender address; the provider's configured `from` when absent. */
  from?: string;
  /** Display name of the sender; the provider's configured `fromName` when absent. */
  fromName?: string;
  /** Subject; prefixed `Re: ` (once) when the mail replies to another. */
  subject?: string;
  /** Message-ID of the mail answered (`<id@host>`, brackets optional). */
  inReplyTo?: string;
  /** Message-IDs of the thread, oldest first (array or a space-separated string). */
  references?: string | string[];
  /** Stable across retries of one delivery: the outbound Message-ID is derived from it. */
  idempotencyKey?: string;
}

/**
 * An email vendor. `send` reports a refusal as `{ success: false, error, metadata: { code, retryable } }`
 * and never throws for one.
 */
export interface EmailProvider {
  readonly name: string;
  send(event: RoomEvent, options: EmailSendOptions): Promise<ProviderResult>;
  close?(): Promise<void>;
}
