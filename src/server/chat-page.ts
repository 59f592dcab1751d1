/**
 * The chat page (`npm start`, then open the printed URL): plain ES modules and CSS from
 * `src/server/chat/`, served as they are (no build step). `/` is the page with its configuration
 * inlined; `/chat/*` its assets.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

const ASSETS = fileURLToPath(new URL('./chat/', import.meta.url));

export interface ChatPageOptions {
  /** Path of the WebSocket endpoint (`attachWebSocketEndpoint`'s `path`). */
  wsPath: string;
  /** The room opened when the URL names none (`?room=`). */
  roomId: string;
  /** The endpoint's channel (default `ws-user`). */
  channelId?: string;
}

/** The page's HTML with its configuration (JSON in a script element, `<` escaped). */
export function chatPage(options: ChatPageOptions): string {
  const config = JSON.stringify({ wsPath: options.wsPath, roomId: options.roomId, channelId: options.channelId ?? 'ws-user' }).replace(/</g, '\\u003c');
  return readFileSync(new URL('index.html', `file://${ASSETS}`), 'utf8').replace('{"placeholder": true}', config);
}

export function chatPageRouter(options: ChatPageOptions): Router {
  const router = express.Router();
  const page = chatPage(options);
  router.get('/', (_req, res) => {
    res.type('html').send(page);
  });
  router.use('/chat', express.static(ASSETS, { index: false, fallthrough: false }));
  return router;
}
