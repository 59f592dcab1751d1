/**
 * The kit's realtime verbs (RoomKit §2.7, §2.8, §13): ephemeral events built and published on the
 * room's topic, room subscriptions that see only ephemeral events, and stored read markers.
 * `RoomKit` delegates to this; it works in any process (webhook, HTTP, worker).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { EventNotFoundError } from '../errors.js';
import { parseInput } from '../kit/validate.js';
import {
  EphemeralEventType, JsonRecord, PresenceStatus, RoomId, type EphemeralEvent,
} from '../models/index.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { roomTopic, type RealtimeBackend } from './backend.js';

const UserId = z.string().min(1).max(200);
const Args = {
  typing: z.object({ roomId: RoomId, userId: UserId, isTyping: z.boolean(), data: JsonRecord.optional() }),
  presence: z.object({ roomId: RoomId, userId: UserId, status: z.string().min(1).max(100) }),
  read: z.object({ roomId: RoomId, userId: UserId, eventId: z.string().min(1).max(200) }),
  reaction: z.object({
    roomId: RoomId, userId: UserId, targetEventId: z.string().min(1).max(200), emoji: z.string().min(1).max(64),
    action: z.enum(['add', 'remove']),
  }),
  marker: z.object({ roomId: RoomId, readerId: UserId }),
};

/** What a tool-progress event carries (RoomKit `publish_tool_call`). */
export interface ToolCallProgress {
  id: string;
  name: string;
  arguments?: Record<string, unknown>;
  result?: string;
  error?: string;
}

export type EphemeralCallback = (event: EphemeralEvent) => void | Promise<void>;

/** Every verb is async: bad input is a rejected promise (a RoomKitValidationError), never a throw. */
export class RoomRealtime {
  constructor(private readonly backend: RealtimeBackend, private readonly store: ConversationStore) {}

  /** `typing_start` / `typing_stop` from `userId`. */
  async publishTyping(roomId: string, userId: string, isTyping = true, data?: Record<string, unknown>): Promise<EphemeralEvent> {
    const a = parseInput(Args.typing, { roomId, userId, isTyping, data }, 'typing');
    return this.publish(a.roomId, isTyping ? EphemeralEventType.TYPING_START : EphemeralEventType.TYPING_STOP, a.userId, { data: a.data ?? {} });
  }

  /** `online | away | offline` ⇒ `presence_*`; any other status ⇒ `custom` with `data.status` (RoomKit). */
  async publishPresence(roomId: string, userId: string, status: string): Promise<EphemeralEvent> {
    const a = parseInput(Args.presence, { roomId, userId, status }, 'presence');
    const type = {
      [PresenceStatus.ONLINE]: EphemeralEventType.PRESENCE_ONLINE,
      [PresenceStatus.AWAY]: EphemeralEventType.PRESENCE_AWAY,
      [PresenceStatus.OFFLINE]: EphemeralEventType.PRESENCE_OFFLINE,
    }[a.status];
    return type
      ? this.publish(a.roomId, type, a.userId)
      : this.publish(a.roomId, EphemeralEventType.CUSTOM, a.userId, { data: { status: a.status } });
  }

  async publishReadReceipt(roomId: string, userId: string, eventId: string): Promise<EphemeralEvent> {
    const a = parseInput(Args.read, { roomId, userId, eventId }, 'read receipt');
    return this.publish(a.roomId, EphemeralEventType.READ_RECEIPT, a.userId, { data: { event_id: a.eventId } });
  }

  /** Ephemeral, as in RoomKit: a reaction to keep is a stored `reaction` event sent through the room. */
  async publishReaction(roomId: string, userId: string, targetEventId: string, emoji: string, action: 'add' | 'remove' = 'add'): Promise<EphemeralEvent> {
    const a = parseInput(Args.reaction, { roomId, userId, targetEventId, emoji, action }, 'reaction');
    return this.publish(a.roomId, EphemeralEventType.REACTION, a.userId, {
      data: { target_event_id: a.targetEventId, emoji: a.emoji, action: a.action },
    });
  }

  /** An agent's tool progress, for UIs (never delivered to transports). */
  async publishToolCall(
    roomId: string, channelId: string, toolCalls: ToolCallProgress[],
    type: typeof EphemeralEventType.TOOL_CALL_START | typeof EphemeralEventType.TOOL_CALL_END = EphemeralEventType.TOOL_CALL_START,
    options: { durationMs?: number } = {},
  ): Promise<EphemeralEvent> {
    const data: Record<string, unknown> = { tool_calls: toolCalls, channel_id: channelId };
    if (options.durationMs !== undefined) data.duration_ms = options.durationMs;
    return this.publish(roomId, type, channelId, { channelId, data });
  }

  /** `thinking_start` / `thinking_delta` (`data.delta`) / `thinking_end` of an AI channel. */
  async publishThinking(
    roomId: string, channelId: string,
    type: typeof EphemeralEventType.THINKING_START | typeof EphemeralEventType.THINKING_DELTA | typeof EphemeralEventType.THINKING_END,
    data: Record<string, unknown> = {},
  ): Promise<EphemeralEvent> {
    return this.publish(roomId, type, channelId, { channelId, data });
  }

  /** `callback` sees the room's ephemeral events, published by any process. Returns the subscription id. */
  async subscribeRoom(roomId: string, callback: EphemeralCallback): Promise<string> {
    const id = parseInput(RoomId, roomId, 'room id', 'roomId');
    return this.backend.subscribe(roomTopic(id), (message) => (message.kind === 'ephemeral' ? callback(message.event) : undefined));
  }

  async unsubscribeRoom(subscriptionId: string): Promise<boolean> {
    return this.backend.unsubscribe(subscriptionId);
  }

  /**
   * Store that `readerId` (a channel id, as in RoomKit, or a participant id) has read up to the stored
   * event `eventId`. Markers only move forward. Throws {@link EventNotFoundError} for an unknown event.
   */
  async markRead(roomId: string, readerId: string, eventId: string): Promise<number> {
    const a = parseInput(Args.marker, { roomId, readerId }, 'read marker');
    const event = await this.store.getEvent(a.roomId, eventId);
    if (!event) throw new EventNotFoundError(a.roomId, eventId);
    await this.store.setReadMarker(a.roomId, a.readerId, event.id, event.index);
    return event.index;
  }

  /** Marks the room's latest stored event read; returns its index (undefined for an empty room). */
  async markAllRead(roomId: string, readerId: string): Promise<number | undefined> {
    const a = parseInput(Args.marker, { roomId, readerId }, 'read marker');
    const [latest] = await this.store.listEvents(a.roomId, { limit: 1, newestFirst: true });
    if (!latest) return undefined;
    await this.store.setReadMarker(a.roomId, a.readerId, latest.id, latest.index);
    return latest.index;
  }

  async listReadMarkers(roomId: string): Promise<Record<string, number>> {
    return this.store.listReadMarkers(parseInput(RoomId, roomId, 'room id', 'roomId'));
  }

  async getUnreadCount(roomId: string, readerId: string): Promise<number> {
    const a = parseInput(Args.marker, { roomId, readerId }, 'read marker');
    return this.store.getUnreadCount(a.roomId, a.readerId);
  }

  /**
   * A vendor says the recipient read our message (`processDeliveryStatus` with status `read`): the
   * channel's marker moves to the event the vendor numbered `messageId`, and a receipt goes out.
   */
  async readByVendor(roomId: string, status: { messageId: string; channelId: string; recipient: string }): Promise<void> {
    const sent = await this.store.findEventByProviderMessageId(status.messageId, status.channelId);
    if (!sent || sent.roomId !== roomId) return;
    await this.store.setReadMarker(roomId, status.channelId, sent.eventId, sent.index);
    await this.publishReadReceipt(roomId, status.recipient || status.channelId, sent.eventId);
  }

  private async publish(
    roomId: string, type: EphemeralEvent['type'], userId: string, extra: { channelId?: string; data?: Record<string, unknown> } = {},
  ): Promise<EphemeralEvent> {
    const event: EphemeralEvent = {
      id: randomUUID(), roomId, type, userId, ...(extra.channelId && { channelId: extra.channelId }),
      data: extra.data ?? {}, timestamp: new Date().toISOString(),
    };
    await this.backend.publish(roomTopic(roomId), { kind: 'ephemeral', event });
    return event;
  }
}
