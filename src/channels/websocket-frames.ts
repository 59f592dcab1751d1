/**
 * What a WebSocket client receives. `event` and `stream_*` come from the room (committed events,
 * streamed AI answers), `ephemeral` from the realtime plane (typing, presence, read receipts, tool
 * progress); the endpoint adds `ready`, `ack` and `error` for its own conversation with the client.
 */
import type { EphemeralEvent, RoomEvent } from '../models/index.js';

/** A committed event of a room, pushed to its subscribers. */
export interface WebSocketEventFrame {
  type: 'event';
  roomId: string;
  event: RoomEvent;
}

/** An AI answer starts streaming; `source` is the AI channel's id. */
export interface WebSocketStreamStartFrame {
  type: 'stream_start';
  roomId: string;
  streamId: string;
  source: string;
}

/** One piece of a streamed answer: the new `delta` and the whole `text` so far. */
export interface WebSocketStreamChunkFrame {
  type: 'stream_chunk';
  roomId: string;
  streamId: string;
  delta: string;
  text: string;
}

/**
 * The streamed answer, committed: the stored event (index, status, final body — a BEFORE_BROADCAST
 * hook may have changed it) replaces the chunks. Sent instead of an `event` frame for that message,
 * so a client sees it exactly once; a client that missed the start treats it as a plain event.
 */
export interface WebSocketStreamEndFrame {
  type: 'stream_end';
  roomId: string;
  streamId: string;
  event: RoomEvent;
}

/** The stream broke (provider failure); drop its chunks. The message may still come later. */
export interface WebSocketStreamErrorFrame {
  type: 'stream_error';
  roomId: string;
  streamId: string;
  error: string;
}

export type WebSocketStreamFrame =
  | WebSocketStreamStartFrame | WebSocketStreamChunkFrame | WebSocketStreamEndFrame | WebSocketStreamErrorFrame;

/** A typing indicator, presence change, read receipt, reaction or tool progress of the room. */
export interface WebSocketEphemeralFrame {
  type: 'ephemeral';
  roomId: string;
  event: EphemeralEvent;
}

/** What a room pushes to clients: committed events, streamed AI answers and ephemeral events. */
export type WebSocketFrame = WebSocketEventFrame | WebSocketStreamFrame | WebSocketEphemeralFrame;
