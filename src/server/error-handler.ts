/**
 * The app's and the REST API's error middleware: library errors → HTTP statuses by the table in
 * `http-errors.ts`; anything else is a 500 without internals (logged here).
 */
import type { ErrorRequestHandler } from 'express';
import { httpStatusOf } from './http-errors.js';

export const errorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  const { status, body, headers } = httpStatusOf(err);
  if (status >= 500) console.error('[roomkit] unhandled HTTP error', err);
  if (headers) res.set(headers);
  res.status(status).json(body);
};
