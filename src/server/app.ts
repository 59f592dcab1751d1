/**
 * The HTTP edge of a kit: health, and (later) webhooks and REST. Thin by design: validate, call the
 * kit, answer; one error middleware maps library errors to statuses without leaking internals.
 */
import express, { type ErrorRequestHandler, type Express } from 'express';
import type { RoomKit } from '../kit/room-kit.js';
import { ChannelNotRegisteredError, RoomAlreadyExistsError, RoomKitValidationError, RoomNotFoundError } from '../errors.js';
import { chatPage } from './chat-page.js';

export interface AppOptions {
  /** Serve the demo chat page at `/` (talks to the WebSocket endpoint). */
  chatPage?: { wsPath: string; roomId: string };
}

export function createApp(kit: RoomKit, options: AppOptions = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', temporal: { address: kit.temporalAddress, taskQueue: kit.taskQueue } });
  });
  if (options.chatPage) {
    const page = chatPage(options.chatPage.wsPath, options.chatPage.roomId);
    app.get('/', (_req, res) => {
      res.type('html').send(page);
    });
  }
  app.use(errorHandler);
  return app;
}

/** Library errors → HTTP statuses; anything else is a 500 without internals. */
export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof RoomKitValidationError) {
    res.status(400).json({ error: err.message, field: err.field, issues: err.issues });
  } else if (err instanceof RoomNotFoundError || err instanceof ChannelNotRegisteredError) {
    res.status(404).json({ error: err.message });
  } else if (err instanceof RoomAlreadyExistsError) {
    res.status(409).json({ error: err.message });
  } else if ((err as { type?: string }).type === 'entity.too.large') {
    res.status(413).json({ error: 'request body too large' });
  } else if ((err as { type?: string }).type === 'entity.parse.failed') {
    res.status(400).json({ error: 'malformed JSON body' });
  } else {
    console.error('[roomkit] unhandled HTTP error', err);
    res.status(500).json({ error: 'internal error' });
  }
};
