/**
 * An MCP server for rooms (Model Context Protocol, `@modelcontextprotocol/sdk`): tools an agent uses
 * to list rooms, read a timeline, read a room's state and post a message. Mounted by `createApp` at
 * `/mcp` beside the REST API (streamable HTTP, stateless), with the same authentication: with `auth`,
 * `Authorization: Bearer` is required (401), each tool checks the scope and room the REST API would
 * (a refused call is a tool error with the reason) and `list_rooms` lists only granted rooms; without,
 * put both behind yours, or leave both off with `restApi: false`.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type Router } from 'express';
import { z } from 'zod';
import { RoomStatusSchema } from '../models/index.js';
import type { RoomIngress } from './ingress.js';
import { httpStatusOf } from './http-errors.js';
import { allRooms, authorize, type Authenticator, type Principal, type RoomScope } from './auth/authenticator.js';
import { principalOf, requireAuthentication } from './auth/http.js';
import { grantedRooms } from './rest-api.js';

type ToolResult = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

const json = (value: unknown): ToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] });

/** A refusal the agent can read (the same words the REST API would answer); never a stack trace. */
function refusal(err: unknown): ToolResult {
  const { status, body } = httpStatusOf(err);
  return { isError: true, content: [{ type: 'text', text: status >= 500 ? 'internal error' : body.error }] };
}

async function answer(work: () => Promise<unknown>): Promise<ToolResult> {
  try {
    return json(await work());
  } catch (err) {
    return refusal(err);
  }
}

/** One MCP server over a kit (or any `RoomIngress`); each tool is a thin call of the kit. */
export function createRoomsMcpServer(kit: RoomIngress, principal?: Principal): McpServer {
  const allow = (scope: RoomScope, roomId?: string): void => {
    if (principal) authorize(principal, scope, roomId);
  };
  const server = new McpServer({ name: 'roomkit-rooms', version: '0.1.0' });
  server.registerTool('list_rooms', {
    description: 'List conversation rooms, oldest first.',
    inputSchema: {
      status: RoomStatusSchema.optional().describe('only rooms in this status'),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(500).default(50),
    },
  }, ({ status, offset, limit }) => answer(() => {
    allow('rooms:read');
    const page = { offset, limit, ...(status && { status }) };
    return principal && !allRooms(principal) ? grantedRooms(kit, principal, page) : kit.store.listRooms(page);
  }));

  server.registerTool('read_timeline', {
    description: "Read a room's stored events in index order (messages, system events, tool calls).",
    inputSchema: {
      roomId: z.string().min(1),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(500).default(50),
    },
  }, ({ roomId, offset, limit }) => answer(async () => {
    allow('rooms:read', roomId);
    if (!(await kit.store.getRoom(roomId))) await kit.roomState(roomId); // RoomNotFoundError for an unknown id
    return kit.store.listEvents(roomId, { offset, limit });
  }));

  server.registerTool('room_state', {
    description: "A room's live state: the room, its channel bindings, participants, counters and recent events.",
    inputSchema: { roomId: z.string().min(1) },
  }, ({ roomId }) => answer(async () => {
    allow('rooms:read', roomId);
    return kit.roomState(roomId);
  }));

  server.registerTool('post_message', {
    description: 'Post a text message into a room through one of its channels; it goes through the room like any inbound message.',
    inputSchema: {
      roomId: z.string().min(1),
      channelId: z.string().min(1).describe('a channel registered with the kit, e.g. the web chat'),
      senderId: z.string().min(1),
      body: z.string().min(1),
      idempotencyKey: z.string().min(1).max(512).optional().describe('a retry with the same key is stored once'),
    },
  }, ({ roomId, channelId, senderId, body, idempotencyKey }) => answer(async () => {
    allow('rooms:write', roomId);
    if (!(await kit.store.getRoom(roomId))) await kit.roomState(roomId);
    const result = await kit.processInbound(
      { channelId, senderId, content: { type: 'text', body }, ...(idempotencyKey && { idempotencyKey }) },
      { roomId, wait: 'committed' },
    );
    return { blocked: result.blocked, ...(result.reason && { reason: result.reason }), ...(result.event && { eventId: result.event.id, index: result.event.index }) };
  }));
  return server;
}

/** `/mcp` over streamable HTTP, stateless: a fresh server and transport per request (the SDK's pattern). */
export function createMcpRouter(kit: RoomIngress, options: { auth?: Authenticator } = {}): Router {
  const router = express.Router();
  if (options.auth) router.use(requireAuthentication(options.auth));
  router.post('/', express.json({ limit: '1mb' }), async (req, res, next) => {
    const server = createRoomsMcpServer(kit, principalOf(res));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (err) {
      next(err);
    }
  });
  // Stateless: no server-initiated stream and no session to end.
  router.all('/', (_req, res) => {
    res.status(405).set('allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
  });
  return router;
}
