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
  /**
   * Path of a browser voice stream (`mountVoice`: `/voice/browser/<channelId>/stream`): the page
   * shows a Call button talking to the room through the microphone. Unset ⇒ no button.
   */
  voicePath?: string;
  /**
   * With authentication on: a fresh short-lived token for each page load, which the page sends as
   * `Authorization: Bearer` to the REST API and as the `token` query parameter of its socket.
   * Unset ⇒ the page sends no credential (as without authentication).
   */
  token?: () => Promise<string> | string;
}

/** The page's HTML with its configuration (JSON in a script element, `<` escaped). */
export function chatPage(options: ChatPageOptions, token?: string): string {
  const config = JSON.stringify({ wsPath: options.wsPath, roomId: options.roomId, channelId: options.channelId ?? 'ws-user', ...(options.voicePath && { voicePath: options.voicePath }), ...(token && { token }) }).replace(/</g, '\\u003c');
  return readFileSync(new URL('index.html', `file://${ASSETS}`), 'utf8').replace('{"placeholder": true}', config);
}

export function chatPageRouter(options: ChatPageOptions): Router {
  const router = express.Router();
  const page = options.token ? undefined : chatPage(options);
  router.get('/', async (_req, res, next) => {
    try {
      // A page with a token must not be cached (nor shared).
      if (!page) res.set('cache-control', 'no-store');
      res.type('html').send(page ?? chatPage(options, await options.token?.()));
    } catch (err) {
      next(err);
    }
  });
  router.use('/chat', express.static(ASSETS, { index: false, fallthrough: false }));
  return router;
}
