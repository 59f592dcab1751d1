/** Library errors → HTTP statuses for the app and the REST API; anything else is a 500 without internals. */
import type { ErrorRequestHandler } from 'express';
import {
  ChannelNotFoundError, ChannelNotRegisteredError, RoomAlreadyExistsError, RoomClosedError, RoomKitValidationError,
  RoomNotFoundError,
} from '../errors.js';

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  if (err instanceof RoomKitValidationError) {
    res.status(400).json({ error: err.message, field: err.field, issues: err.issues });
  } else if (err instanceof RoomNotFoundError || err instanceof ChannelNotRegisteredError || err instanceof ChannelNotFoundError) {
    res.status(404).json({ error: err.message });
  } else if (err instanceof RoomAlreadyExistsError || err instanceof RoomClosedError) {
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
