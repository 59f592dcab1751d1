/**
 * Express middleware for the REST API and the MCP server: `Authorization: Bearer <token>` → the
 * principal in `res.locals.principal`, or a 401 with the reason (and `WWW-Authenticate: Bearer`).
 * What each route needs (scope, room) is checked by the route with `authorize`.
 */
import type { RequestHandler, Response } from 'express';
import type { Authenticator, Principal } from './authenticator.js';
import { bearerToken } from './credentials.js';

export function requireAuthentication(authenticator: Authenticator): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.principal = await authenticator.authenticate(bearerToken(req.get('authorization')));
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** The request's principal (undefined when authentication is off). */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}
