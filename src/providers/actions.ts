/**
 * What the optional `sendTyping` / `markRead` of every provider share: their arguments checked with
 * zod at the boundary, and a vendor refusal (a `ProviderResult`, as the wire clients return it for
 * sends) thrown as `ProviderActionError` with the vendor's code and retryability kept.
 */
import { z } from 'zod';
import { ProviderActionError, RoomKitValidationError } from '../errors.js';
import type { ProviderResult } from '../models/index.js';
import type { TransportTypingOptions } from './transport.js';

const TypingArgs = z.object({
  to: z.string().min(1),
  on: z.boolean(),
  replyToMessageId: z.string().min(1).optional(),
});
export type TypingArgs = z.output<typeof TypingArgs>;

const MarkReadArgs = z.object({ providerMessageId: z.string().min(1), to: z.string().min(1) });
export type MarkReadArgs = z.output<typeof MarkReadArgs>;

/** The typing arguments a provider reads (other keys are channel defaults it may also look at). */
export function typingArgs(provider: string, to: string, options: TransportTypingOptions): TypingArgs {
  const parsed = TypingArgs.safeParse({ to, on: options?.on, replyToMessageId: options?.replyToMessageId });
  if (!parsed.success) throw new RoomKitValidationError(`${provider} sendTyping arguments`, parsed.error.issues);
  return parsed.data;
}

export function markReadArgs(provider: string, providerMessageId: string, to: string): MarkReadArgs {
  const parsed = MarkReadArgs.safeParse({ providerMessageId, to });
  if (!parsed.success) throw new RoomKitValidationError(`${provider} markRead arguments`, parsed.error.issues);
  return parsed.data;
}

/** `success: false` ⇒ `ProviderActionError` (code, retryability and Retry-After from the result). */
export function throwIfRefused(provider: string, action: ProviderActionError['action'], result: ProviderResult): void {
  if (result.success) return;
  const meta = result.metadata ?? {};
  const code = typeof meta.code === 'string' || typeof meta.code === 'number' ? String(meta.code) : 'ActionFailed';
  const retryable = typeof meta.retryable === 'boolean' ? meta.retryable : true;
  const error = new ProviderActionError(provider, action, code, result.error ?? 'refused by the vendor', retryable);
  if (typeof meta.retryAfterMs === 'number' && meta.retryAfterMs > 0) error.retryAfterMs = meta.retryAfterMs;
  error.providerResult = result;
  throw error;
}
