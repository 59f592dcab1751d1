/**
 * An MCP server for rooms (Model Context Protocol, `@modelcontextprotocol/sdk`): tools an agent uses
 * to list rooms, read a timeline, read a room's state and post a message. Mounted by `createApp` at
 * `/mcp` beside the REST API (streamable HTTP, stateless), with the same (absent) authentication: put
 * both behind yours, or leave both off with `restApi: false`.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type Router } from 'express';
import { z } from 'zod';
import { RoomStatusSchema } from '../models/index.js';
import type { RoomIngress } from './ingress.js';
import { httpStatusOf } from './http-errors.js';

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
export function createRoomsMcpServer(kit: RoomIngress): McpServer {
  const server = new McpServer({ name: 'roomkit-rooms', version: '0.1.0' });
  server.registerTool('list_rooms', {
    description: 'List conversation rooms, oldest first.',
    inputSchema: {
      status: RoomStatusSchema.optional().describe('only rooms in this status'),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(500).default(50),
    },
  }, ({ status, offset, limit }) => answer(() => kit.store.listRooms({ offset, limit, ...(status && { status }) })));

  server.registerTool('read_timeline', {
    description: "Read a room's stored events in index order (messages, system events, tool calls).",
    inputSchema: {
      roomId: z.string().min(1),
      offset: z.number().int().nonnegative().default(0),
      limit: z.number().int().min(1).max(500).default(50),
    },
  }, ({ roomId, offset, limit }) => answer(async () => {
    if (!(await kit.store.getRoom(roomId))) await kit.roomState(roomId); // RoomNotFoundError for an unknown id
    return kit.store.listEvents(roomId, { offset, limit });
  }));

  server.registerTool('room_state', {
    description: "A room's live state: the room, its channel bindings, participants, counters and recent events.",
    inputSchema: { roomId: z.string().min(1) },
  }, ({ roomId }) => answer(() => kit.roomState(roomId)));

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
export function createMcpRouter(kit: RoomIngress): Router {
  const router = express.Router();
  router.post('/', express.json({ limit: '1mb' }), async (req, res, next) => {
    const server = createRoomsMcpServer(kit);
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
