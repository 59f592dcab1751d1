/**
 * The realtime plane (ARCHITECTURE.md §2): what a room's subscribers see live and nobody needs later.
 * It never passes through a room's workflow history or the store: a typing indicator recorded as a
 * workflow event would cost a history event, a store write and a round trip to the Temporal server
 * per keystroke, and losing one is harmless. Read markers, which are worth keeping, are stored
 * (`kit.markRead`); their receipts are published here.
 */
import type { EphemeralEvent } from '../models/ephemeral.js';
import type { WebSocketFrame } from '../channels/websocket-frames.js';
import type { VoicePlayRequest } from '../models/voice.js';

/**
 * What travels on a room's topic: an ephemeral event, a clip to play on a call, or a frame a
 * WebSocket channel pushes to its connections of the room (committed events, streamed AI answers) on whichever process holds them.
 * `origin` is the publishing channel instance (which already pushed the frame to its own connections);
 * `except` names a connection that already shows the frame (the sender of a message).
 */
export type RealtimeMessage =
  | { kind: 'ephemeral'; event: EphemeralEvent }
  | { kind: 'frame'; channelId: string; frame: WebSocketFrame; origin?: string; except?: string }
  /** A VoiceChannel's clip for the process holding the call (`VoiceChannel.onPlay`). */
  | { kind: 'voice'; request: VoicePlayRequest };

export type RealtimeCallback = (message: RealtimeMessage) => void | Promise<void>;

/** RoomKit's `RealtimeBackend`: publish/subscribe by topic; a room's topic is {@link roomTopic}. */
export interface RealtimeBackend {
  /** Hand the message to every subscriber of `topic` on any process. Never throws for a subscriber. */
  publish(topic: string, message: RealtimeMessage): Promise<void>;
  /** Returns a subscription id for {@link RealtimeBackend.unsubscribe}. */
  subscribe(topic: string, callback: RealtimeCallback): Promise<string>;
  /** False when the id is unknown (already unsubscribed). */
  unsubscribe(subscriptionId: string): Promise<boolean>;
  /** Whether some process may have a subscriber of `topic` (decides whether answers are streamed). */
  hasSubscribers(topic: string): Promise<boolean>;
  close(): Promise<void>;
}

/** RoomKit's `room:{room_id}` channel naming. */
export function roomTopic(roomId: string): string {
  return `room:${roomId}`;
}

/** The backend is gone or unreachable (Redis down at start); the message says which and how to fix it. */
export class RealtimeUnavailableError extends Error {
  override readonly name = 'RealtimeUnavailableError';
}
