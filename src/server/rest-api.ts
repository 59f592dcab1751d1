/**
 * A small JSON API over the kit: create and read rooms, attach channels, post messages, page
 * through the stored timeline. Every body and query is validated (400 naming the field); unknown
 * rooms are 404, an existing room id on create is 409.
 *
 * It has no authentication of its own: mount it behind your auth middleware, or leave it off
 * (`createApp(kit, { restApi: false })`) on a public host.
 */
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { RoomIngress } from './ingress.js';
import { parseInput } from '../kit/validate.js';
import { BindingOptions, CreateRoomOptions, InboundMessage, RoomId, RoomStatusSchema, WaitStage } from '../models/index.js';
import { errorHandler } from './error-handler.js';

export interface RestApiOptions {
  /** Largest JSON body. Default `'1mb'`. */
  limit?: string | number;
}

const AttachBody = BindingOptions.extend({ channelId: z.string().min(1, 'channelId must not be empty') }).strict();
const MessageQuery = z.object({ wait: WaitStage.optional() }).strict();
const RoomsQuery = z
  .object({
    offset: z.coerce.number().int().nonnegative().default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    status: RoomStatusSchema.optional(),
  })
  .strict();
const EventsQuery = z
  .object({
    offset: z.coerce.number().int().nonnegative().default(0),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** The newest `limit` events before this index (a page further back in history). */
    before: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    /** `true` ⇒ the newest `limit` events (what a client shows on open). */
    newest: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  })
  .strict();

/**
 * @example
 * app.use('/api', createRestApi(kit));
 * // POST /api/rooms {"roomId":"r1"} → 201 room
 * // POST /api/rooms/r1/messages {"channelId":"sms","senderId":"+1555…","content":{"type":"text","body":"hi"}}
 */
export function createRestApi(kit: RoomIngress, options: RestApiOptions = {}): Router {
  const router = express.Router();
  /**
   * RoomNotFoundError (a 404) unless the room exists. The store answers for the rooms it holds; only
   * an id it lacks (or does not hold yet: it may trail the workflow by a moment) costs a read of the
   * room itself, which is an update, so it is kept off the path of every message.
   */
  const roomMustExist = async (roomId: string): Promise<void> => {
    if (!(await kit.store.getRoom(roomId))) await kit.roomState(roomId);
  };
  router.use(express.json({ limit: options.limit ?? '1mb' }));

  router.post('/rooms', async (req, res) => {
    const body = parseInput(CreateRoomOptions, req.body ?? {}, 'room options');
    res.status(201).json(await kit.createRoom(body));
  });

  /** The rooms the store knows, oldest first: `?status=active&offset=0&limit=50`. */
  router.get('/rooms', async (req, res) => {
    const { offset, limit, status } = parseInput(RoomsQuery, { ...req.query }, 'query');
    res.json({ offset, limit, rooms: await kit.store.listRooms({ offset, limit, ...(status && { status }) }) });
  });

  router.get('/rooms/:roomId', async (req, res) => {
    res.json(await kit.roomState(roomIdOf(req)));
  });

  router.post('/rooms/:roomId/channels', async (req, res) => {
    const roomId = roomIdOf(req);
    const { channelId, ...binding } = parseInput(AttachBody, req.body, 'attach request');
    res.status(201).json(await kit.attachChannel(roomId, channelId, binding));
  });

  router.post('/rooms/:roomId/messages', async (req, res) => {
    const roomId = roomIdOf(req);
    const { wait } = parseInput(MessageQuery, { ...req.query }, 'query');
    const message = parseInput(InboundMessage, req.body, 'inbound message') as InboundMessage;
    // processInbound would create a missing room; over HTTP a wrong id is a 404 instead.
    await roomMustExist(roomId);
    res.json(await kit.processInbound(message, { roomId, ...(wait && { wait }) }));
  });

  router.get('/rooms/:roomId/events', async (req, res) => {
    const roomId = roomIdOf(req);
    const { offset, limit, before, newest } = parseInput(EventsQuery, { ...req.query }, 'query');
    await roomMustExist(roomId);
    if (before !== undefined || newest) {
      // Ascending, like every page; `hasMore` says whether older events exist before the first one.
      const events = await kit.store.listEvents(roomId, { limit, newestFirst: true, ...(before !== undefined && { beforeIndex: before }) });
      res.json({ roomId, limit, ...(before !== undefined && { before }), hasMore: (events[0]?.index ?? 0) > 0, events });
      return;
    }
    res.json({ roomId, offset, limit, events: await kit.store.listEvents(roomId, { offset, limit }) });
  });

  /** How far each reader has read: `{ markers: { readerId: index } }`. */
  router.get('/rooms/:roomId/read-markers', async (req, res) => {
    const roomId = roomIdOf(req);
    await roomMustExist(roomId);
    res.json({ roomId, markers: await kit.store.listReadMarkers(roomId) });
  });

  router.use(errorHandler);
  return router;
}

function roomIdOf(req: Request): string {
  return parseInput(RoomId, req.params.roomId, 'roomId', 'roomId');
}
