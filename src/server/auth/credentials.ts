/**
 * Where a credential comes from. REST and MCP: `Authorization: Bearer <token>` only. WebSocket (a
 * browser cannot set headers on one), the first of:
 * 1. `Authorization: Bearer <token>` (server-side clients);
 * 2. the subprotocols `roomkit.bearer, <token>` (`new WebSocket(url, ['roomkit.bearer', token])`;
 *    the server answers with `roomkit.bearer`; the token must be a valid subprotocol token, as JWTs are);
 * 3. the query parameter `token` (`/ws?room=…&token=…`): simplest, but URLs end up in access logs,
 *    so prefer short-lived tokens there.
 */
import type { IncomingMessage } from 'node:http';
import { UnauthenticatedError } from '../../errors.js';

/** The subprotocol that announces a bearer token as the next subprotocol. */
export const BEARER_SUBPROTOCOL = 'roomkit.bearer';

/** The token of an `Authorization: Bearer` header; undefined without the header; 401 for another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  if (!match) throw new UnauthenticatedError('malformed Authorization header: expected Bearer <token>');
  return match[1];
}

/** The credential of a WebSocket upgrade request (header, then subprotocol, then `token` query parameter). */
export function webSocketCredential(req: IncomingMessage): string | undefined {
  const header = bearerToken(req.headers.authorization);
  if (header) return header;
  const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  const at = protocols.indexOf(BEARER_SUBPROTOCOL);
  if (at >= 0 && protocols[at + 1]) return protocols[at + 1];
  const query = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
  return query || undefined;
}
