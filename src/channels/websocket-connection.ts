/** Binds a `ws` server-side socket to a `WebSocketChannel`: JSON frames out, unregister on close. */
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import type { WebSocketChannel, WebSocketFrame } from './websocket.js';

export interface AttachWebSocketOptions {
  /** The room the socket is subscribed to first; more via `channel.subscribe`. */
  roomId: string;
  /** Default: a random UUID. */
  connectionId?: string;
}

export interface WebSocketAttachment {
  readonly connectionId: string;
  /** Unregister now and stop listening for `close` (the socket itself is left open). */
  detach(): void;
}

/**
 * @example
 * wss.on('connection', (socket, req) => {
 *   attachWebSocket(wsChannel, socket, { roomId: roomIdFrom(req) });
 * });
 */
export function attachWebSocket(
  channel: WebSocketChannel,
  socket: WebSocket,
  options: AttachWebSocketOptions,
): WebSocketAttachment {
  const connectionId = options.connectionId ?? randomUUID();
  const unregister = channel.registerConnection(connectionId, (frame) => sendFrame(socket, frame), {
    roomId: options.roomId,
  });
  const onClose = (): void => unregister();
  socket.once('close', onClose);
  return {
    connectionId,
    detach() {
      socket.off('close', onClose);
      unregister();
    },
  };
}

/** Resolves once `ws` has handed the frame to the OS, rejects if the socket is not open or the write fails. */
function sendFrame(socket: WebSocket, frame: WebSocketFrame): Promise<void> {
  if (socket.readyState !== WebSocket.OPEN) {
    return Promise.reject(new Error(`websocket is not open (readyState ${socket.readyState})`));
  }
  return new Promise((resolve, reject) => {
    socket.send(JSON.stringify(frame), (err) => (err ? reject(err) : resolve()));
  });
}
