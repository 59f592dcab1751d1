/**
 * What the HTTP layer needs from a kit, and nothing more: the members `createApp`, `createRestApi`,
 * `createWebhookRouter`, `processWebhook` and the WebSocket endpoint call. `RoomKit` satisfies it
 * structurally; tests can hand the server a small in-memory fake instead (no Temporal).
 *
 * Picked from `RoomKit` (and its store) so the signatures cannot drift from the real kit.
 */
import type { RoomKit } from '../kit/room-kit.js';

/** The store reads the server does: the REST API's timeline and the webhook sender affinity. */
export type IngressStore = Pick<RoomKit['store'], 'getRoom' | 'listRooms' | 'listEvents' | 'getEventByIdempotencyKey' | 'getBinding' | 'listReadMarkers'>;

export interface RoomIngress
  extends Pick<
    RoomKit,
    | 'temporalAddress' // GET /health
    | 'taskQueue' // GET /health
    | 'getChannel' // webhook handler lookup, WebSocket endpoint's channel
    | 'createRoom' // POST /api/rooms
    | 'roomState' // GET /api/rooms/:id, 404 checks
    | 'attachChannel' // POST /api/rooms/:id/channels
    | 'archiveRoom' // POST /api/rooms/:id/archive
    | 'processInbound' // POST /api/rooms/:id/messages, WebSocket frames
    | 'signalInbound' // webhook messages (sender affinity)
    | 'processDeliveryStatus' // webhook delivery statuses
    | 'publishTyping' | 'publishPresence' | 'publishReadReceipt' | 'publishReaction' | 'markRead' // WebSocket frames
  > {
  readonly store: IngressStore;
  /** Where the server counts what it refuses (webhook signatures) and what `/metrics` serves; optional for fakes. */
  readonly metrics?: RoomKit['metrics'];
}
