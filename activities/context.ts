import type { RoomContext } from '../src/channels/room-context.js';
import type { ConversationStore } from '../src/store/conversation-store.js';

/** Minimum history handed to hooks and channels (RoomKit's floor for `recent_events`). */
export const DEFAULT_HISTORY_WINDOW = 50;

/**
 * Build a room's context from the store. The room workflow persists room, bindings and events
 * before it runs hooks or broadcasts, so the read model is current for the event at hand.
 */
export async function loadRoomContext(
  store: ConversationStore, roomId: string, options: { historyLimit?: number } = {},
): Promise<RoomContext> {
  const [room, bindings, participants, recentEvents] = await Promise.all([
    store.getRoom(roomId),
    store.listBindings(roomId),
    store.listParticipants(roomId),
    options.historyLimit
      ? store.listEvents(roomId, { eventTypes: ['message'], newestFirst: true, limit: options.historyLimit })
      : Promise.resolve([]),
  ]);
  if (!room) throw new Error(`room ${roomId} is not in the store`);
  return { room, bindings, participants, recentEvents };
}
