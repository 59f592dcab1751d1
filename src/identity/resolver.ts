/**
 * Identity resolution (RoomKit §11): who is behind an inbound message's sender address. The room
 * calls the worker's resolver through an activity, bounded by its timeout; a resolver that throws
 * or hangs leaves the message unattributed and the room goes on.
 */
import type { IdentityResult, ParsedInboundMessage } from '../models/index.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { PHONE_CHANNEL_TYPES } from './addresses.js';

export interface IdentityContext {
  roomId: string;
  channelType: string;
  organizationId?: string;
}

export interface IdentityResolver {
  resolve(message: ParsedInboundMessage, ctx: IdentityContext): Promise<IdentityResult>;
}

/** `RoomKit({ identity })`: the resolver, its time budget, and which channel types it resolves. */
export interface IdentityOptions {
  resolver: IdentityResolver;
  /** Bound on one `resolve` call; over it the sender is UNKNOWN (`identity_timeout`). Default 5 s. */
  timeoutSeconds?: number;
  /** Resolve only messages of these channel types (default: every type). */
  channelTypes?: string[];
}

/**
 * Resolves senders from the store's identities (`store.createIdentity` / `linkAddress`): the address
 * under the message's channel type first, then, for phone channel types, under `phone`, and for
 * email under `email` — so a person registered with a phone number is the same identity on SMS and
 * on WhatsApp. Addresses compare normalised (E.164, case-folded email). No match ⇒ UNKNOWN.
 *
 * @example
 * new RoomKit({ store, identity: { resolver: new StoreIdentityResolver(store) } });
 */
export class StoreIdentityResolver implements IdentityResolver {
  constructor(private readonly store: Pick<ConversationStore, 'resolveIdentity'>) {}

  async resolve(message: ParsedInboundMessage, ctx: IdentityContext): Promise<IdentityResult> {
    const address = message.senderId;
    const base = { address, channelType: ctx.channelType };
    const fallback = PHONE_CHANNEL_TYPES.has(ctx.channelType) ? 'phone' : undefined;
    for (const type of [ctx.channelType, ...(fallback ? [fallback] : [])]) {
      const identity = await this.store.resolveIdentity(type, address, ctx.organizationId);
      if (identity) return { ...base, status: 'identified', identity };
    }
    return { ...base, status: 'unknown' };
  }
}
