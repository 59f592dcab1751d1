/**
 * WebSocket endpoint for a WebSocketChannel: `GET <path>?room=<id>&sender=<id>` upgrades, the socket
 * receives the room's events, and `{ "type": "message", "body": "…" }` frames become inbound messages.
 */
import type { Server } from 'node:http';
import { z } from 'zod';
import { WebSocketServer, type WebSocket } from 'ws';
import { attachWebSocket } from '../channels/websocket-connection.js';
import { WebSocketChannel } from '../channels/websocket.js';
import type { RoomIngress } from './ingress.js';
import { RoomId } from '../models/index.js';

const ClientFrame = z.object({ type: z.literal('message'), body: z.string().min(1).max(10_000), idempotencyKey: z.string().max(200).optional() });

export interface WebSocketEndpointOptions {
  path: string;
  channelId: string;
}

export function attachWebSocketEndpoint(server: Server, kit: RoomIngress, options: WebSocketEndpointOptions): WebSocketServer {
  const channel = kit.getChannel(options.channelId);
  if (!(channel instanceof WebSocketChannel)) throw new Error(`${options.channelId} is not a registered WebSocketChannel`);
  const wss = new WebSocketServer({ server, path: options.path, maxPayload: 64 * 1024 });
  wss.on('connection', (socket, req) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const room = RoomId.safeParse(url.searchParams.get('room'));
    const sender = url.searchParams.get('sender') || 'web-user';
    if (!room.success) {
      socket.close(1008, 'query parameter room is required');
      return;
    }
    attachWebSocket(channel, socket, { roomId: room.data });
    socket.on('message', (data) => void onFrame(kit, socket, options.channelId, room.data, sender, data.toString()));
  });
  return wss;
}

async function onFrame(kit: RoomIngress, socket: WebSocket, channelId: string, roomId: string, senderId: string, raw: string): Promise<void> {
  let frame: z.infer<typeof ClientFrame>;
  try {
    frame = ClientFrame.parse(JSON.parse(raw));
  } catch (err) {
    reply(socket, { type: 'error', error: `invalid frame: ${err instanceof Error ? err.message : String(err)}` });
    return;
  }
  try {
    const result = await kit.processInbound(
      { channelId, senderId, content: { type: 'text', body: frame.body }, ...(frame.idempotencyKey && { idempotencyKey: frame.idempotencyKey }) },
      { roomId, wait: 'committed' },
    );
    reply(socket, { type: 'ack', eventId: result.event?.id, blocked: result.blocked, reason: result.reason });
  } catch (err) {
    reply(socket, { type: 'error', error: err instanceof Error ? err.message : String(err) });
  }
}

function reply(socket: WebSocket, frame: Record<string, unknown>): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}
