/** Choosing a room for a message that names none (RoomKit §23). */
import type { ParsedDeliveryStatus } from '../models/index.js';
import type { ConversationStore } from '../store/conversation-store.js';

export interface RouteRequest {
  channelId: string;
  channelType: string;
  participantId?: string;
}

export interface InboundRoomRouter {
  /** A room id, or undefined to let the kit create a room. */
  route(request: RouteRequest): Promise<string | undefined>;
}

/**
 * (1) the sender's newest ACTIVE room for this channel type; (2) the only ACTIVE room where the
 * channel is bound for everyone (no `participantId` on the binding); (3) none. With several rooms bound to the channel it refuses to guess (a RoomKit 0.38
 * security fix: guessing leaked conversations).
 */
export class DefaultInboundRoomRouter implements InboundRoomRouter {
  constructor(
    private readonly store: ConversationStore,
    private readonly warn: (message: string) => void = (m) => console.warn(`[roomkit] ${m}`),
  ) {}

  async route({ channelId, channelType, participantId }: RouteRequest): Promise<string | undefined> {
    if (participantId) {
      const latest = await this.store.findLatestRoom(participantId, channelType, 'active');
      if (latest) return latest;
    }
    // Only rooms where the channel is shared: a binding that belongs to another participant (an
    // auto-created SMS room of another phone number) is never a guess for this sender.
    const bound = await this.store.findRoomIdsByChannel(channelId, { status: 'active', limit: 2, sharedOnly: true });
    if (bound.length === 1) return bound[0];
    if (bound.length > 1) this.warn(`channel ${channelId} is bound to several active rooms; refusing to guess, creating a new room`);
    return undefined;
  }
}

/**
 * The room a delivery report is about: the one named, else the one whose delivery the provider
 * numbered `messageId` (the store indexes provider ids as sends are made), else, for a send the
 * store has not recorded, the recipient's room as the router finds it for a message.
 */
export async function roomForDeliveryStatus(
  store: Pick<ConversationStore, 'findEventByProviderMessageId'>,
  router: InboundRoomRouter,
  status: Pick<ParsedDeliveryStatus, 'roomId' | 'messageId' | 'channelId' | 'recipient'>,
  channelType: string,
): Promise<string | undefined> {
  if (status.roomId) return status.roomId;
  const sent = await store.findEventByProviderMessageId(status.messageId, status.channelId);
  if (sent) return sent.roomId;
  return router.route({ channelId: status.channelId, channelType, ...(status.recipient && { participantId: status.recipient }) });
}
