/**
 * Browser and app clients over WebSockets (RoomKit §9.4). A connection sees only the rooms it is
 * subscribed to, and every send is bounded: a dead socket is timed out, then evicted after
 * `EVICT_AFTER_FAILURES` failures in a row, and never fails or stalls the room's delivery
 * (RoomKit 0.38 leaked every room to every socket and let one dead socket freeze a room).
 */
import type { ChannelBinding, ChannelCapabilities, ChannelType, RoomEvent } from '../models/index.js';
import { Channel, type DeliverOutput } from './channel.js';
import type { RoomContext } from './room-context.js';

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

/** What the server pushes to clients: committed events and streamed AI answers. */
export type WebSocketFrame = WebSocketEventFrame | WebSocketStreamFrame;

/** Pushes one frame to one client; rejects (or never settles) when the client is gone. */
export type WebSocketSend = (frame: WebSocketFrame) => Promise<void> | void;

export interface WebSocketChannelOptions {
  /** Upper bound for one send to one connection. Default 5000 ms. */
  sendTimeoutMs?: number;
}

/** Consecutive failed or timed-out sends after which a connection is unregistered. */
export const EVICT_AFTER_FAILURES = 3;

interface Connection {
  readonly id: string;
  readonly send: WebSocketSend;
  readonly rooms: Set<string>;
  failures: number;
}

type SendOutcome = 'delivered' | 'failed' | 'timeout';

/** What one broadcast did: sends attempted, delivered, failed (timeouts included), evicted ids. */
export interface BroadcastOutcome {
  connections: number;
  delivered: number;
  failed: number;
  timedOut: number;
  evicted: string[];
}

/**
 * @example
 * const ws = new WebSocketChannel('ws-user', { sendTimeoutMs: 2000 });
 * ws.registerConnection('conn-1', (frame) => socket.send(JSON.stringify(frame)), { roomId: 'room-1' });
 */
export class WebSocketChannel extends Channel {
  readonly channelType: ChannelType = 'websocket';
  readonly sendTimeoutMs: number;
  private readonly connections = new Map<string, Connection>();
  /** roomId → subscribed connection ids. */
  private readonly rooms = new Map<string, Set<string>>();

  constructor(channelId: string, options: WebSocketChannelOptions = {}) {
    super(channelId);
    const { sendTimeoutMs = 5000 } = options;
    if (!Number.isFinite(sendTimeoutMs) || sendTimeoutMs <= 0) {
      throw new RangeError(`sendTimeoutMs must be a positive number, got ${sendTimeoutMs}`);
    }
    this.sendTimeoutMs = sendTimeoutMs;
  }

  override capabilities(): ChannelCapabilities {
    return {
      // tool_call: the chat page shows an agent's tool progress.
      mediaTypes: ['text', 'rich', 'media', 'audio', 'video', 'location', 'tool_call'],
      supportsTyping: true,
      supportsReadReceipts: true,
      supportsReactions: true,
      supportsEdit: true,
      supportsDelete: true,
      supportsThreading: true,
      supportsRichText: true,
      supportsMedia: true,
      supportsButtons: true,
      supportsCards: true,
      supportsQuickReplies: true,
    };
  }

  /**
   * Register a client, subscribed to `roomId` when given. Registering an id again replaces the
   * earlier connection and its subscriptions. Returns a function that unregisters this registration
   * only (a no-op once the id was replaced or evicted).
   */
  registerConnection(connectionId: string, send: WebSocketSend, options: { roomId?: string } = {}): () => void {
    if (!connectionId) throw new TypeError('connectionId must be a non-empty string');
    this.unregisterConnection(connectionId);
    const connection: Connection = { id: connectionId, send, rooms: new Set(), failures: 0 };
    this.connections.set(connectionId, connection);
    if (options.roomId !== undefined) this.subscribe(connectionId, options.roomId);
    return () => {
      if (this.connections.get(connectionId) === connection) this.unregisterConnection(connectionId);
    };
  }

  /** Returns false when the connection is not registered. */
  subscribe(connectionId: string, roomId: string): boolean {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    connection.rooms.add(roomId);
    let subscribers = this.rooms.get(roomId);
    if (!subscribers) this.rooms.set(roomId, (subscribers = new Set()));
    subscribers.add(connectionId);
    return true;
  }

  unsubscribe(connectionId: string, roomId: string): void {
    this.connections.get(connectionId)?.rooms.delete(roomId);
    const subscribers = this.rooms.get(roomId);
    subscribers?.delete(connectionId);
    if (subscribers?.size === 0) this.rooms.delete(roomId);
  }

  unregisterConnection(connectionId: string): boolean {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    for (const roomId of [...connection.rooms]) this.unsubscribe(connectionId, roomId);
    this.connections.delete(connectionId);
    return true;
  }

  /** Ids of the connections subscribed to `roomId`. */
  connectionsFor(roomId: string): string[] {
    return [...(this.rooms.get(roomId) ?? [])];
  }

  /** Whether an answer for `roomId` can be streamed here: some connection is subscribed to it. */
  supportsStreamingFor(roomId: string): boolean {
    return (this.rooms.get(roomId)?.size ?? 0) > 0;
  }

  /**
   * Push the event to every connection subscribed to the binding's room, concurrently. Resolves once
   * every send settled or timed out; never throws for a client (the event is stored, a client that
   * missed it catches up from history). `providerResult.metadata` counts the outcomes.
   *
   * A message this channel streamed (`metadata.stream_id`, `metadata.streamed_to` = this channel)
   * goes out as `stream_end` instead of `event`, closing the stream its chunks belong to.
   */
  override async deliver(event: RoomEvent, binding: ChannelBinding, _ctx?: RoomContext): Promise<DeliverOutput> {
    const streamId = event.metadata?.stream_id;
    const frame: WebSocketFrame =
      typeof streamId === 'string' && streamId && event.metadata?.streamed_to === this.channelId
        ? { type: 'stream_end', roomId: binding.roomId, streamId, event }
        : { type: 'event', roomId: binding.roomId, event };
    const outcome = await this.broadcast(binding.roomId, frame);
    return { providerResult: { success: true, metadata: { ...outcome } } };
  }

  /**
   * Send one frame to every connection subscribed to `roomId`, with `deliver`'s guarantees: each send
   * bounded by `sendTimeoutMs`, failures counted towards eviction, never throws.
   */
  async broadcast(roomId: string, frame: WebSocketFrame): Promise<BroadcastOutcome> {
    const targets = this.connectionsFor(roomId).map((id) => this.connections.get(id) as Connection);
    const outcomes = await Promise.all(targets.map((c) => this.sendBounded(c, frame)));
    const evicted: string[] = [];
    targets.forEach((connection, i) => {
      if (outcomes[i] === 'delivered') connection.failures = 0;
      else if (++connection.failures >= EVICT_AFTER_FAILURES && this.connections.get(connection.id) === connection) {
        this.unregisterConnection(connection.id);
        evicted.push(connection.id);
      }
    });
    const delivered = outcomes.filter((o) => o === 'delivered').length;
    return {
      connections: targets.length,
      delivered,
      failed: targets.length - delivered,
      timedOut: outcomes.filter((o) => o === 'timeout').length,
      evicted,
    };
  }

  override async close(): Promise<void> {
    this.connections.clear();
    this.rooms.clear();
  }

  private async sendBounded(connection: Connection, frame: WebSocketFrame): Promise<SendOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SendOutcome>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.sendTimeoutMs);
    });
    // `then` also turns a synchronous throw of `send` into a rejection.
    const attempt = Promise.resolve()
      .then(() => connection.send(frame))
      .then((): SendOutcome => 'delivered', (): SendOutcome => 'failed');
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
