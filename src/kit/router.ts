/** Choosing a room for a message that names none (RoomKit §23). */
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
 * (1) the sender's newest ACTIVE room for this channel type; (2) the only ACTIVE room bound to the
 * channel; (3) none. With several rooms bound to the channel it refuses to guess (a RoomKit 0.38
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
    const bound = await this.store.findRoomIdsByChannel(channelId, { status: 'active', limit: 2 });
    if (bound.length === 1) return bound[0];
    if (bound.length > 1) this.warn(`channel ${channelId} is bound to several active rooms; refusing to guess, creating a new room`);
    return undefined;
  }
}
