export { allRooms, authorize, createAuthenticator, ROOM_SCOPES, roomAllowed, signRoomToken } from './authenticator.js';
export type { ApiKey, Authenticator, AuthenticatorOptions, JwtOptions, Principal, RoomScope, RoomTokenClaims } from './authenticator.js';
export { parseApiKeys } from './api-keys.js';
export { BEARER_SUBPROTOCOL, bearerToken, webSocketCredential } from './credentials.js';
export { principalOf, requireAuthentication } from './http.js';
export { SenderRateLimiter } from './rate-limit.js';
export type { SenderRateLimitOptions } from './rate-limit.js';
export { authenticatedJoin } from './websocket.js';
