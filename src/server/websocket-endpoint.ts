/**
 * WebSocket endpoint for a WebSocketChannel:
 * `GET <path>?room=<id>&participant=<id>[&since=<index>]` upgrades; the socket then receives the
 * room's events, streamed answers and ephemeral events (typing, presence, read receipts, tool
 * progress) from every process of the deployment, and sends {@link ClientFrame}s.
 *
 * Resume without gap or duplicate: with `since`, the connection joins the room's topic first (frames
 * are held back), then reads the stored events after `since` and sends them, then releases the held
 * frames minus those events. Anything committed after the read is delivered live, anything before it
 * is in the read, and the overlap is sent once.
 *
 * Each socket is a participant of its own (`participant`, chosen by the client and kept across
 * reconnects): its messages enter the room from the endpoint's channel with that sender id, and
 * reach the room's other sockets on this channel too (a room never delivers an event back to the
 * channel it came from, so the endpoint does, skipping the sender's socket).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { z } from 'zod';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebSocketChannel, type WebSocketFrame } from '../channels/websocket.js';
import { RoomId, type RoomEvent } from '../models/index.js';
import type { RoomIngress } from './ingress.js';
import type { Authenticator } from './auth/authenticator.js';
import { authenticatedJoin } from './auth/websocket.js';
import { BEARER_SUBPROTOCOL } from './auth/credentials.js';
import { addUpgradeRoute } from './upgrade-routes.js';

/** What a client may send. */
export const ClientFrame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), body: z.string().min(1).max(10_000), idempotencyKey: z.string().min(1).max(200).optional() }).strict(),
  z.object({ type: z.literal('typing'), isTyping: z.boolean() }).strict(),
  z.object({ type: z.literal('read'), eventId: z.string().min(1).max(200) }).strict(),
  z.object({ type: z.literal('presence'), status: z.string().min(1).max(100) }).strict(),
  z.object({ type: z.literal('reaction'), targetEventId: z.string().min(1).max(200), emoji: z.string().min(1).max(64), action: z.enum(['add', 'remove']).optional() }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

const Participant = z.string().regex(/^[A-Za-z0-9_.:@+-]{1,100}$/, 'letters, digits and _.:@+- only (1-100)');
const Since = z.coerce.number().int().min(-1).max(Number.MAX_SAFE_INTEGER);

/** Frames larger than this get an error frame (the socket stays open); `ws` closes at 1 MiB. */
export const MAX_FRAME_BYTES = 16 * 1024;
/** Refused frames in a row after which the socket is closed (1008). */
export const MAX_BAD_FRAMES = 10;
/** Stored events a resuming client gets over the socket; more ⇒ `ready.truncated` (reload the page of history). */
export const MAX_RESUME_EVENTS = 1000;

/** A join allowed with conditions: `readOnly` ⇒ the socket receives, but its `message` and `reaction` frames are refused. */
export interface JoinGrant {
  readOnly?: boolean;
}

/**
 * Who may join which room: a refusal reason (the socket is closed 1008 with it), or `undefined` /
 * a {@link JoinGrant} to let it join. The default allows a room that exists and has the endpoint's
 * channel attached.
 */
export type JoinRule = (request: { roomId: string; participantId: string; req: IncomingMessage }) => Promise<string | undefined | JoinGrant> | string | undefined | JoinGrant;

/** Frames a read-only socket may not send. */
const WRITE_FRAMES: ReadonlySet<ClientFrame['type']> = new Set(['message', 'reaction']);

export interface WebSocketEndpointOptions {
  path: string;
  channelId: string;
  /** Resolves to a refusal reason, or undefined to let the socket join. Default: {@link boundRoomsOnly}. */
  joinRule?: JoinRule;
  /**
   * Authenticate sockets: the join rule becomes `authenticatedJoin(auth, joinRule ?? boundRoomsOnly)`
   * (README «Authentication»: token from the Authorization header, the `roomkit.bearer` subprotocol
   * or the `token` query parameter).
   */
  auth?: Authenticator;
  /** Ping interval; a socket that misses a pong is terminated. Default 30 000 ms. */
  heartbeatMs?: number;
}

/**
 * The join rule until sockets carry tokens: a socket joins only a room that exists and has this
 * endpoint's channel attached. A room id alone is not a secret; put an authenticating `joinRule`
 * in front of anything public.
 */
export function boundRoomsOnly(kit: RoomIngress, channelId: string): JoinRule {
  return async ({ roomId }) => {
    const binding = await kit.store.getBinding(roomId, channelId);
    return binding ? undefined : `room ${roomId} does not exist or has no ${channelId} channel`;
  };
}

export function attachWebSocketEndpoint(server: Server, kit: RoomIngress, options: WebSocketEndpointOptions): WebSocketServer {
  const channel = kit.getChannel(options.channelId);
  if (!(channel instanceof WebSocketChannel)) throw new Error(`${options.channelId} is not a registered WebSocketChannel`);
  const baseRule = options.joinRule ?? boundRoomsOnly(kit, options.channelId);
  const joinRule = options.auth ? authenticatedJoin(options.auth, baseRule) : baseRule;
  // noServer + a route of the server's upgrade dispatcher: with `server`, ws answers 400 to every
  // other path, which breaks any other WebSocket route on the same server (the voice streams).
  const wss = new WebSocketServer({
    noServer: true, path: options.path, maxPayload: 1024 * 1024,
    // A browser's token arrives as the subprotocols `roomkit.bearer, <token>`: answer `roomkit.bearer`
    // (never echo the token); otherwise the first offered, as `ws` does by default.
    handleProtocols: (protocols) => (protocols.has(BEARER_SUBPROTOCOL) ? BEARER_SUBPROTOCOL : protocols.values().next().value ?? false),
  });
  const removeRoute = addUpgradeRoute(server, {
    matches: (pathname) => pathname === options.path,
    handle: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)),
  });
  wss.on('close', removeRoute);
  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (socket, req) => {
    alive.set(socket, true);
    socket.on('pong', () => alive.set(socket, true));
    void open(kit, channel, joinRule, socket, req).catch((err) => {
      socket.close(1011, truncate(`could not join: ${err instanceof Error ? err.message : String(err)}`));
    });
  });
  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.get(socket)) socket.terminate();
      else {
        alive.set(socket, false);
        socket.ping();
      }
    }
  }, options.heartbeatMs ?? 30_000);
  heartbeat.unref();
  wss.on('close', () => clearInterval(heartbeat));
  return wss;
}

async function open(kit: RoomIngress, channel: WebSocketChannel, joinRule: JoinRule, socket: WebSocket, req: IncomingMessage): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const room = RoomId.safeParse(url.searchParams.get('room'));
  if (!room.success) return void socket.close(1008, 'query parameter room is required (a valid room id)');
  const rawParticipant = url.searchParams.get('participant') ?? url.searchParams.get('sender');
  const participant = rawParticipant === null ? { success: true as const, data: `web-${randomUUID().slice(0, 8)}` } : Participant.safeParse(rawParticipant);
  if (!participant.success) return void socket.close(1008, 'query parameter participant: letters, digits and _.:@+- only (1-100)');
  const rawSince = url.searchParams.get('since');
  const since = rawSince === null ? undefined : Since.safeParse(rawSince);
  if (since && !since.success) return void socket.close(1008, 'query parameter since must be an event index (integer >= -1)');
  const roomId = room.data;
  const participantId = participant.data;
  // Frames that arrive while the socket joins wait for it (a client may send as soon as it opens).
  const early: string[] = [];
  const hold = (data: unknown) => early.push(String(data));
  socket.on('message', hold);

  const decision = await joinRule({ roomId, participantId, req });
  if (typeof decision === 'string' && decision) return void socket.close(1008, truncate(decision));
  const readOnly = typeof decision === 'object' && decision?.readOnly === true;

  const session = new ResumeSession(socket);
  const connectionId = randomUUID();
  const unregister = channel.registerConnection(connectionId, session.send);
  socket.once('close', () => {
    unregister();
    void kit.publishPresence(roomId, participantId, 'offline').catch(() => undefined);
  });
  await channel.join(connectionId, roomId);
  const truncated = since?.data !== undefined ? await session.catchUp(kit, roomId, since.data) : false;
  session.release();
  send(socket, { type: 'ready', roomId, connectionId, participantId, lastIndex: session.lastIndex, truncated });
  void kit.publishPresence(roomId, participantId, 'online').catch(() => undefined);

  const client = new ClientSession(kit, channel, socket, { roomId, participantId, connectionId }, readOnly);
  socket.off('message', hold);
  socket.on('message', (data) => client.enqueue(data.toString()));
  for (const raw of early) client.enqueue(raw);
}

/** Holds live frames while a resuming client reads what it missed, then drops the overlap. */
class ResumeSession {
  private held: WebSocketFrame[] | undefined = [];
  private readonly replayed = new Set<number>();
  lastIndex = -1;

  constructor(private readonly socket: WebSocket) {}

  readonly send = (frame: WebSocketFrame): Promise<void> | undefined => {
    if (this.held) {
      // A client this far behind reloads instead; never grow without bound.
      if (this.held.length < 10_000) this.held.push(frame);
      return undefined;
    }
    return this.forward(frame);
  };

  /** Sends the stored events after `since`; true when there were more than {@link MAX_RESUME_EVENTS}. */
  async catchUp(kit: RoomIngress, roomId: string, since: number): Promise<boolean> {
    let after = since;
    let sent = 0;
    for (;;) {
      const page = await kit.store.listEvents(roomId, { afterIndex: after, limit: 200 });
      for (const event of page) {
        if (sent >= MAX_RESUME_EVENTS) return true;
        this.replayed.add(event.index);
        await sendFrame(this.socket, { type: 'event', roomId, event });
        this.note(event);
        after = event.index;
        sent++;
      }
      if (page.length < 200) return false;
    }
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const frame of held) void this.forward(frame).catch(() => undefined);
  }

  private forward(frame: WebSocketFrame): Promise<void> {
    const event = frame.type === 'event' || frame.type === 'stream_end' ? frame.event : undefined;
    // Already sent from the store: a stream's end still closes its chunks, as a bare stream_end.
    if (event && this.replayed.has(event.index) && frame.type === 'event') return Promise.resolve();
    if (event) this.note(event);
    return sendFrame(this.socket, frame);
  }

  private note(event: RoomEvent): void {
    this.lastIndex = Math.max(this.lastIndex, event.index);
  }
}

/** One joined socket: its frames become messages, typing, read markers, presence and reactions. */
class ClientSession {
  private badFrames = 0;
  /** One socket's frames are handled in the order sent (its messages enter the room in that order). */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly kit: RoomIngress,
    private readonly channel: WebSocketChannel,
    private readonly socket: WebSocket,
    private readonly who: { roomId: string; participantId: string; connectionId: string },
    private readonly readOnly = false,
  ) {}

  enqueue(raw: string): void {
    this.queue = this.queue.then(() => this.onFrame(raw));
  }

  private async onFrame(raw: string): Promise<void> {
    if (Buffer.byteLength(raw) > MAX_FRAME_BYTES) return this.refuse(`frame too large: ${Buffer.byteLength(raw)} bytes (limit ${MAX_FRAME_BYTES})`);
    let frame: ClientFrame;
    try {
      const parsed = ClientFrame.safeParse(JSON.parse(raw));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return this.refuse(`invalid frame: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
      }
      frame = parsed.data;
    } catch {
      return this.refuse('invalid frame: not JSON');
    }
    this.badFrames = 0;
    if (this.readOnly && WRITE_FRAMES.has(frame.type)) {
      return send(this.socket, { type: 'error', error: `forbidden: credential lacks scope rooms:write (${frame.type} frames need it)`, for: frame.type });
    }
    try {
      await this.handle(frame);
    } catch (err) {
      send(this.socket, { type: 'error', error: err instanceof Error ? err.message : String(err), ...(frame.type === 'message' && { for: 'message' }) });
    }
  }

  private async handle(frame: ClientFrame): Promise<void> {
    const { roomId, participantId, connectionId } = this.who;
    switch (frame.type) {
      case 'message': {
        const result = await this.kit.processInbound(
          { channelId: this.channel.channelId, senderId: participantId, content: { type: 'text', body: frame.body }, ...(frame.idempotencyKey && { idempotencyKey: frame.idempotencyKey }) },
          { roomId, wait: 'committed' },
        );
        send(this.socket, { type: 'ack', eventId: result.event?.id, index: result.event?.index, blocked: result.blocked, reason: result.reason, ...(frame.idempotencyKey && { idempotencyKey: frame.idempotencyKey }) });
        // Both at once (one Redis round trip, not two in a row). The room's own deliveries skip the
        // channel a message came from; its other sockets see it here.
        const event = result.event && !result.blocked ? result.event : undefined;
        await Promise.all([
          this.kit.publishTyping(roomId, participantId, false).catch(() => undefined),
          event && this.channel.broadcast(roomId, { type: 'event', roomId, event }, { except: connectionId }),
        ]);
        return;
      }
      case 'typing':
        await this.kit.publishTyping(roomId, participantId, frame.isTyping);
        return;
      case 'read':
        await this.kit.markRead(roomId, participantId, frame.eventId);
        await this.kit.publishReadReceipt(roomId, participantId, frame.eventId);
        return;
      case 'presence':
        await this.kit.publishPresence(roomId, participantId, frame.status);
        return;
      case 'reaction':
        await this.kit.publishReaction(roomId, participantId, frame.targetEventId, frame.emoji, frame.action ?? 'add');
        return;
      case 'ping':
        send(this.socket, { type: 'pong' });
        return;
    }
  }

  private refuse(error: string): void {
    send(this.socket, { type: 'error', error });
    if (++this.badFrames >= MAX_BAD_FRAMES) this.socket.close(1008, 'too many invalid frames');
  }
}

function send(socket: WebSocket, frame: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

function sendFrame(socket: WebSocket, frame: WebSocketFrame): Promise<void> {
  if (socket.readyState !== socket.OPEN) return Promise.reject(new Error(`websocket is not open (readyState ${socket.readyState})`));
  return new Promise((resolve, reject) => socket.send(JSON.stringify(frame), (err) => (err ? reject(err) : resolve())));
}

/** Close reasons are limited to 123 bytes. */
function truncate(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : `${reason.slice(0, 110)}…`;
}
