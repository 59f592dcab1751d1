/**
 * The WebSocket endpoint's join rule with authentication: the socket's credential (see
 * `credentials.ts`) must be valid (else close 1008 with the reason), carry `rooms:read` and grant the
 * room asked for; then the inner rule still applies (default: the room exists and has the endpoint's
 * channel). A credential without `rooms:write` joins read-only: it receives everything, and its
 * `message` and `reaction` frames get error frames. The credential is checked when the socket joins;
 * a token that expires later does not end an open socket.
 */
import { ForbiddenError, UnauthenticatedError } from '../../errors.js';
import type { JoinRule } from '../websocket-endpoint.js';
import { type Authenticator, authorize } from './authenticator.js';
import { webSocketCredential } from './credentials.js';

export function authenticatedJoin(authenticator: Authenticator, inner: JoinRule): JoinRule {
  return async (request) => {
    let principal;
    try {
      principal = await authenticator.authenticate(webSocketCredential(request.req));
      authorize(principal, 'rooms:read', request.roomId);
    } catch (err) {
      if (err instanceof UnauthenticatedError) return `unauthenticated: ${err.reason}`;
      if (err instanceof ForbiddenError) return `forbidden: ${err.reason}`;
      throw err;
    }
    const refusal = await inner(request);
    if (typeof refusal === 'string') return refusal;
    return { readOnly: !principal.scopes.has('rooms:write') };
  };
}
