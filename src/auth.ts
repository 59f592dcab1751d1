/**
 * `roomkit-temporal/auth`: authenticated clients (README «Authentication»). An authenticator of API
 * keys and JWTs for `createApp(kit, { auth })` (REST API and MCP) and
 * `attachWebSocketEndpoint(server, kit, { auth })`; the per-sender webhook rate limiter; the errors.
 */
export * from './server/auth/index.js';
export { ForbiddenError, RateLimitedError, UnauthenticatedError } from './errors.js';
export type { JoinGrant, JoinRule } from './server/websocket-endpoint.js';
export { boundRoomsOnly } from './server/websocket-endpoint.js';
