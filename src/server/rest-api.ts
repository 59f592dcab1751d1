/**
 * A small JSON API over the kit: create and read rooms, attach channels, post messages, page
 * through the stored timeline. Every body and query is validated (400 naming the field); unknown
 * rooms are 404, an existing room id on create is 409.
 *
 * Authentication is off unless `auth` is given (then put your own in front, or leave the API off
 * with `createApp(kit, { restApi: false })` on a public host). With `auth`: every request needs
 * `Authorization: Bearer <API key or JWT>` (401 without), reads need `rooms:read`, creating rooms,
 * attaching channels, posting messages and archiving rooms `rooms:write`, and the room must be one the credential
 * grants (403 naming what is missing); `GET /rooms` lists only the granted rooms.
 */
import express, { type Request, type Router } from 'express';
import { z } from 'zod';
import type { RoomIngress } from './ingress.js';
import { RouteNotFoundError, UnsupportedMediaTypeError } from '../errors.js';
import { parseInput } from '../kit/validate.js';
import { BindingOptions, CreateRoomOptions, InboundMessage, RoomId, RoomStatusSchema, WaitStage } from '../models/index.js';
import { errorHandler } from './error-handler.js';
import { allRooms, authorize, roomAllowed, type Authenticator, type Principal, type RoomScope } from './auth/authenticator.js';
import { principalOf, requireAuthentication } from './auth/http.js';

export interface RestApiOptions {
  /** Largest JSON body. Default `'1mb'`. */
  limit?: string | number;
  /** Authenticate every request (README «Authentication»); unset ⇒ no authentication of its own. */
  auth?: Authenticator;
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
  if (options.auth) router.use(requireAuthentication(options.auth));
  router.use(express.json({ limit: options.limit ?? '1mb' }));
  // A body express.json left unread (not labelled JSON) would be ignored, and `POST /rooms` would
  // create a room from defaults whatever the body said: refuse it instead.
  router.use((req, _res, next) => {
    if (req.body === undefined && hasBody(req)) throw new UnsupportedMediaTypeError(req.headers['content-type']);
    next();
  });
  /** With authentication on: `ForbiddenError` unless the request's principal has the scope (and room). */
  const allow = (res: express.Response, scope: RoomScope, roomId?: string): void => {
    const principal = principalOf(res);
    if (principal) authorize(principal, scope, roomId);
  };

  router.post('/rooms', async (req, res) => {
    const body = parseInput(CreateRoomOptions, req.body ?? {}, 'room options');
    // A generated id could be any room: only a credential for every room may ask for one.
    allow(res, 'rooms:write', body.roomId ?? '*');
    res.status(201).json(await kit.createRoom(body));
  });

  /** The rooms the store knows, oldest first: `?status=active&offset=0&limit=50`. */
  router.get('/rooms', async (req, res) => {
    const { offset, limit, status } = parseInput(RoomsQuery, { ...req.query }, 'query');
    allow(res, 'rooms:read');
    const principal = principalOf(res);
    const rooms = principal && !allRooms(principal)
      ? await grantedRooms(kit, principal, { offset, limit, ...(status && { status }) })
      : await kit.store.listRooms({ offset, limit, ...(status && { status }) });
    res.json({ offset, limit, rooms });
  });

  router.get('/rooms/:roomId', async (req, res) => {
    const roomId = roomIdOf(req);
    allow(res, 'rooms:read', roomId);
    res.json(await kit.roomState(roomId));
  });

  router.post('/rooms/:roomId/channels', async (req, res) => {
    const roomId = roomIdOf(req);
    allow(res, 'rooms:write', roomId);
    const { channelId, ...binding } = parseInput(AttachBody, req.body, 'attach request');
    res.status(201).json(await kit.attachChannel(roomId, channelId, binding));
  });

  /** Archive the room (terminal; README «Room lifecycle»): 200 with the room; writes to it are then 409. */
  router.post('/rooms/:roomId/archive', async (req, res) => {
    const roomId = roomIdOf(req);
    allow(res, 'rooms:write', roomId);
    res.json(await kit.archiveRoom(roomId));
  });

  router.post('/rooms/:roomId/messages', async (req, res) => {
    const roomId = roomIdOf(req);
    allow(res, 'rooms:write', roomId);
    const { wait } = parseInput(MessageQuery, { ...req.query }, 'query');
    const message = parseInput(InboundMessage, req.body, 'inbound message') as InboundMessage;
    // processInbound would create a missing room; over HTTP a wrong id is a 404 instead.
    await roomMustExist(roomId);
    res.json(await kit.processInbound(message, { roomId, ...(wait && { wait }) }));
  });

  router.get('/rooms/:roomId/events', async (req, res) => {
    const roomId = roomIdOf(req);
    allow(res, 'rooms:read', roomId);
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
    allow(res, 'rooms:read', roomId);
    await roomMustExist(roomId);
    res.json({ roomId, markers: await kit.store.listReadMarkers(roomId) });
  });

  // Any other path or method under the API: a JSON 404 like every refusal, not Express's HTML page.
  router.use((req) => {
    throw new RouteNotFoundError(req.method, req.path);
  });
  router.use(errorHandler);
  return router;
}

type RoomsPage = NonNullable<Parameters<RoomIngress['store']['listRooms']>[0]> & { offset: number; limit: number };

/**
 * The page `offset`/`limit` of the rooms `principal` is granted, in the store's order: the store is
 * read in pages of 500 and filtered (a restricted credential's listing costs a scan of the rooms).
 */
export async function grantedRooms(kit: Pick<RoomIngress, 'store'>, principal: Principal, page: RoomsPage): ReturnType<RoomIngress['store']['listRooms']> {
  const { offset, limit, ...filter } = page;
  const found: Awaited<ReturnType<RoomIngress['store']['listRooms']>> = [];
  for (let at = 0; ; at += 500) {
    const rooms = await kit.store.listRooms({ ...filter, offset: at, limit: 500 });
    found.push(...rooms.filter((r) => roomAllowed(principal, r.id)));
    if (found.length >= offset + limit || rooms.length < 500) return found.slice(offset, offset + limit);
  }
}

/** The request carries a body of at least one byte (or a chunked one). */
function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
}

function roomIdOf(req: Request): string {
  return parseInput(RoomId, req.params.roomId, 'roomId', 'roomId');
}
