/**
 * Browser and app clients over WebSockets (RoomKit §9.4). A connection sees only the rooms it is
 * subscribed to, and every send is bounded: a dead socket is timed out, then evicted after
 * `EVICT_AFTER_FAILURES` failures in a row, and never fails or stalls the room's delivery
 * (RoomKit 0.38 leaked every room to every socket and let one dead socket freeze a room).
 *
 * Across processes (a worker delivers, HTTP processes hold the sockets) the channel goes through the
 * kit's {@link RealtimeBackend}: `deliver` and `broadcast` send to this process's connections directly
 * (counted in the outcome) and publish the frame on the room's topic; every other process's instance
 * of the channel, subscribed to the topics of the rooms its connections joined, pushes it to its own.
 * Ephemeral events of those rooms reach the connections the same way.
 */
import { randomUUID } from 'node:crypto';
import type { ChannelBinding, ChannelCapabilities, ChannelType, RoomEvent } from '../models/index.js';
import type { WebSocketFrame } from './websocket-frames.js';
import { roomTopic, type RealtimeBackend, type RealtimeMessage } from '../realtime/backend.js';

export type * from './websocket-frames.js';
import { Channel, type DeliverOutput } from './channel.js';
import type { RoomContext } from './room-context.js';

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
  /** The realtime backend refused the frame: other processes' connections did not get it. */
  realtimeError?: string;
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
  /** Tells this instance's own publications apart from other processes'. */
  private readonly instanceId = randomUUID();
  private realtime?: RealtimeBackend;
  /** roomId → this instance's subscription to the room's topic (pending while it subscribes). */
  private readonly topics = new Map<string, Promise<string | undefined>>();

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

  /**
   * Route frames through `backend` (the kit does this when the channel is registered). Connections
   * registered before keep working; their rooms are subscribed now.
   */
  useRealtime(backend: RealtimeBackend): void {
    if (this.realtime === backend) return;
    if (this.realtime) throw new Error(`WebSocketChannel ${this.channelId} already uses a realtime backend`);
    this.realtime = backend;
    for (const roomId of this.rooms.keys()) this.listen(roomId);
  }

  /** Returns false when the connection is not registered. */
  subscribe(connectionId: string, roomId: string): boolean {
    const connection = this.connections.get(connectionId);
    if (!connection) return false;
    connection.rooms.add(roomId);
    let subscribers = this.rooms.get(roomId);
    if (!subscribers) this.rooms.set(roomId, (subscribers = new Set()));
    subscribers.add(connectionId);
    this.listen(roomId);
    return true;
  }

  /**
   * `subscribe`, resolved once frames of the room published by any process reach the connection
   * (the backend's subscription is in place). A client resuming from an index reads the store after
   * this, so nothing committed in between is missed.
   */
  async join(connectionId: string, roomId: string): Promise<boolean> {
    if (!this.subscribe(connectionId, roomId)) return false;
    await this.topics.get(roomId);
    return true;
  }

  unsubscribe(connectionId: string, roomId: string): void {
    this.connections.get(connectionId)?.rooms.delete(roomId);
    const subscribers = this.rooms.get(roomId);
    subscribers?.delete(connectionId);
    if (subscribers?.size === 0) {
      this.rooms.delete(roomId);
      this.unlisten(roomId);
    }
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

  /** {@link supportsStreamingFor}, asking the realtime backend whether another process listens. */
  async canStreamTo(roomId: string): Promise<boolean> {
    if (this.supportsStreamingFor(roomId)) return true;
    if (!this.realtime) return false;
    try {
      return await this.realtime.hasSubscribers(roomTopic(roomId));
    } catch {
      return true; // unknown: stream, a frame nobody reads costs little
    }
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
   * Publish one frame for the room's connections on every process (through the realtime backend)
   * and push it to this process's connections, except `options.except` (a connection that already
   * shows it). Without a backend, this process's connections only.
   */
  async broadcast(roomId: string, frame: WebSocketFrame, options: { except?: string } = {}): Promise<BroadcastOutcome> {
    const published = this.publish(roomId, frame, options.except);
    const outcome = await this.broadcastLocal(roomId, frame, options.except);
    const error = await published;
    return error ? { ...outcome, realtimeError: error } : outcome;
  }

  /** Resolves to an error message when the backend refused the frame (this process's sends still ran). */
  private async publish(roomId: string, frame: WebSocketFrame, except?: string): Promise<string | undefined> {
    if (!this.realtime) return undefined;
    const message: RealtimeMessage = { kind: 'frame', channelId: this.channelId, origin: this.instanceId, frame, ...(except && { except }) };
    try {
      await this.realtime.publish(roomTopic(roomId), message);
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  /** A message on the topic of a room this instance's connections joined. */
  private readonly onTopic = async (roomId: string, message: RealtimeMessage): Promise<void> => {
    if (message.kind === 'ephemeral') {
      await this.broadcastLocal(roomId, { type: 'ephemeral', roomId, event: message.event });
    } else if (message.kind === 'frame' && message.channelId === this.channelId && message.origin !== this.instanceId) {
      await this.broadcastLocal(roomId, message.frame, message.except);
    }
  };

  private listen(roomId: string): void {
    const realtime = this.realtime;
    if (!realtime || this.topics.has(roomId)) return;
    const subscribed = realtime.subscribe(roomTopic(roomId), (m) => this.onTopic(roomId, m)).catch(() => undefined);
    this.topics.set(roomId, subscribed);
  }

  private unlisten(roomId: string): void {
    const subscribed = this.topics.get(roomId);
    if (!subscribed || !this.realtime) return;
    this.topics.delete(roomId);
    const realtime = this.realtime;
    void subscribed.then((id) => (id ? realtime.unsubscribe(id) : false)).catch(() => false);
  }

  /**
   * Send one frame to every connection of this process subscribed to `roomId`, with `deliver`'s
   * guarantees: each send bounded by `sendTimeoutMs`, failures counted towards eviction, never throws.
   */
  private async broadcastLocal(roomId: string, frame: WebSocketFrame, except?: string): Promise<BroadcastOutcome> {
    const targets = this.connectionsFor(roomId).filter((id) => id !== except).map((id) => this.connections.get(id) as Connection);
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
    for (const roomId of [...this.topics.keys()]) this.unlisten(roomId);
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
