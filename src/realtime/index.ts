/**
 * `roomkit-temporal/realtime`: backends for ephemeral events and cross-process WebSocket frames, and
 * the WebSocket endpoint's client protocol and join rule.
 */
export { RealtimeUnavailableError, roomTopic } from './backend.js';
export type { RealtimeBackend, RealtimeCallback, RealtimeMessage } from './backend.js';
export { InMemoryRealtime } from './in-memory.js';
export type { InMemoryRealtimeOptions } from './in-memory.js';
export { RedisRealtime } from './redis.js';
export type { RedisRealtimeOptions } from './redis.js';
export { RoomRealtime } from './room-realtime.js';
export type { EphemeralCallback, ToolCallProgress } from './room-realtime.js';
export { PresenceStatus } from '../models/ephemeral.js';
export { boundRoomsOnly, ClientFrame, MAX_FRAME_BYTES } from '../server/websocket-endpoint.js';
export type { JoinRule } from '../server/websocket-endpoint.js';
