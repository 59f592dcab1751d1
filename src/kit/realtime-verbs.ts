/**
 * RoomKit's realtime verbs (RoomKit §2.7–2.8), each a thin call into {@link RoomRealtime}: ephemeral
 * events never enter a room's history; read markers are stored. `RoomKit` extends this class, so the
 * verbs keep RoomKit's names on the kit while its own file keeps to rooms, bindings and messages.
 */
import type { RealtimeBackend } from '../realtime/backend.js';
import { RoomRealtime, type EphemeralCallback, type ToolCallProgress } from '../realtime/room-realtime.js';
import type { ConversationStore } from '../store/conversation-store.js';

export abstract class RealtimeVerbs {
  /** Where ephemeral events and cross-process WebSocket frames travel (in-memory by default). */
  readonly realtime: RealtimeBackend;
  protected readonly live: RoomRealtime;

  protected constructor(realtime: RealtimeBackend, store: ConversationStore) {
    this.realtime = realtime;
    this.live = new RoomRealtime(realtime, store);
  }

  publishTyping(roomId: string, userId: string, isTyping = true, data?: Record<string, unknown>) {
    return this.live.publishTyping(roomId, userId, isTyping, data);
  }
  publishPresence(roomId: string, userId: string, status: string) {
    return this.live.publishPresence(roomId, userId, status);
  }
  publishReadReceipt(roomId: string, userId: string, eventId: string) {
    return this.live.publishReadReceipt(roomId, userId, eventId);
  }
  publishReaction(roomId: string, userId: string, targetEventId: string, emoji: string, action: 'add' | 'remove' = 'add') {
    return this.live.publishReaction(roomId, userId, targetEventId, emoji, action);
  }
  publishToolCall(roomId: string, channelId: string, toolCalls: ToolCallProgress[], type?: 'tool_call_start' | 'tool_call_end', options?: { durationMs?: number }) {
    return this.live.publishToolCall(roomId, channelId, toolCalls, type, options);
  }
  subscribeRoom(roomId: string, callback: EphemeralCallback): Promise<string> {
    return this.live.subscribeRoom(roomId, callback);
  }
  unsubscribeRoom(subscriptionId: string): Promise<boolean> {
    return this.live.unsubscribeRoom(subscriptionId);
  }
  /** Stored: `readerId` (a channel id, or a participant id) has read up to `eventId`. Returns its index. */
  markRead(roomId: string, readerId: string, eventId: string): Promise<number> {
    return this.live.markRead(roomId, readerId, eventId);
  }
  markAllRead(roomId: string, readerId: string): Promise<number | undefined> {
    return this.live.markAllRead(roomId, readerId);
  }
  listReadMarkers(roomId: string): Promise<Record<string, number>> {
    return this.live.listReadMarkers(roomId);
  }
  getUnreadCount(roomId: string, readerId: string): Promise<number> {
    return this.live.getUnreadCount(roomId, readerId);
  }
}
