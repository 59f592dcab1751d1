import { z } from 'zod';
import { InjectedEvent } from './hook.js';
import { JsonRecord } from './json.js';

/**
 * A person known across channels (RoomKit §3 `Identity`). `channelAddresses` maps a channel type to
 * the addresses that lead to this identity (`sms` → `['+15551234567']`); the store indexes them by
 * (channel type, address, organisation) for `resolveIdentity`.
 */
export const Identity = z.object({
  id: z.string().min(1),
  organizationId: z.string().min(1).optional(),
  displayName: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  channelAddresses: z.record(z.string(), z.array(z.string().min(1))),
  externalId: z.string().optional(),
  externalIds: z.record(z.string(), z.string()),
  metadata: JsonRecord,
});
export type Identity = z.infer<typeof Identity>;

/** What `createIdentity` accepts: everything but the id is optional. */
export const IdentityInput = Identity.partial({ channelAddresses: true, externalIds: true, metadata: true });
export type IdentityInput = z.input<typeof IdentityInput>;

/** What an identity resolver answers (RoomKit §3 `IdentityResult` statuses). */
export const IdentityStatus = {
  IDENTIFIED: 'identified', AMBIGUOUS: 'ambiguous', PENDING: 'pending', UNKNOWN: 'unknown', REJECTED: 'rejected',
  CHALLENGE_SENT: 'challenge_sent',
} as const;
export type IdentityStatus = (typeof IdentityStatus)[keyof typeof IdentityStatus];

/** A resolver's answer; `address` / `channelType` are back-filled from the message when left out. */
export interface IdentityResult {
  status: IdentityStatus;
  identity?: Identity;
  candidates?: Identity[];
  address?: string;
  channelType?: string;
  /** CHALLENGE_SENT: the block reason (default `identity_challenge_sent`). */
  message?: string;
}

/**
 * What the identity activity hands the room: the resolver's answer as data, and whether it timed
 * out or threw (then `status` is `unknown`). Never an exception: the room goes on either way.
 */
export interface IdentityOutcome {
  status: IdentityStatus;
  identity?: { id: string; displayName?: string };
  candidateIds?: string[];
  address: string;
  channelType: string;
  message?: string;
  timedOutAfterMs?: number;
  error?: string;
}

/** Identity resolution as the room runs it: which channel types, and the resolver's time budget. */
export const IdentityManifest = z.object({
  timeoutMs: z.number().int().positive(),
  /** Only these channel types are resolved; absent ⇒ every type. */
  channelTypes: z.array(z.string()).optional(),
});
export type IdentityManifest = z.infer<typeof IdentityManifest>;

/**
 * What a SYNC hook on ON_IDENTITY_AMBIGUOUS / ON_IDENTITY_UNKNOWN may decide (RoomKit
 * `IdentityHookResult`); the first hook answering one wins, `undefined` passes to the next.
 */
export const IdentityHookDecision = z.discriminatedUnion('status', [
  z.object({ status: z.literal('resolved'), identity: z.object({ id: z.string().min(1), displayName: z.string().optional() }).passthrough() }),
  z.object({ status: z.literal('pending'), displayName: z.string().optional(), candidates: z.array(z.string()).optional() }),
  /** `inject`: the challenge itself (a PIN prompt…), stored DELIVERED and sent to its targets by the room. */
  z.object({ status: z.literal('challenge'), inject: InjectedEvent.optional(), message: z.string().optional() }),
  z.object({ status: z.literal('reject'), reason: z.string().optional() }),
]);
export type IdentityHookDecision = z.infer<typeof IdentityHookDecision>;

/** Constructors of identity-hook answers, as RoomKit's `IdentityHookResult.resolved(...)` etc. */
export const IdentityHookResult = {
  resolved: (identity: { id: string; displayName?: string }): IdentityHookDecision => ({
    status: 'resolved', identity: { id: identity.id, ...(identity.displayName !== undefined && { displayName: identity.displayName }) },
  }),
  pending: (options: { displayName?: string; candidates?: string[] } = {}): IdentityHookDecision => ({ status: 'pending', ...options }),
  /**
   * Refuses the message with `identity_challenge_sent` (or `message`). `inject` is the challenge the
   * room stores (DELIVERED) and sends bare to `inject.targetChannelIds`, unless the room is closed.
   */
  challenge: (options: { inject?: InjectedEvent; message?: string } = {}): IdentityHookDecision => ({ status: 'challenge', ...options } as IdentityHookDecision),
  reject: (reason = 'Unknown sender'): IdentityHookDecision => ({ status: 'reject', reason }),
};
