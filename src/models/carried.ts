/**
 * What a room carries from one run to the next (continue-as-new): plain JSON, typed here so the
 * workflow's input is typed end to end.
 */
import type { ChannelBinding } from './channel.js';
import type { CommandEnvelope } from './commands.js';
import type { RoomEvent } from './event.js';
import type { Participant } from './participant.js';
import type { Room } from './room.js';

/** A bounded per-room window of idempotency keys (`src/core/idempotency.ts` works on it). */
export interface IdempotencyWindow {
  /** key → index of the committed event */
  keys: Record<string, number>;
  /** insertion order, oldest first */
  order: string[];
  limit: number;
  /** True once a key was forgotten: a miss may then be a key the store still knows. */
  evicted?: boolean;
}

/** A binding's token bucket (`src/core/rate-limit.ts` works on it). */
export interface TokenBucket {
  /** Tokens available at `atMs`; negative ⇒ reserved by deliveries still waiting. */
  tokens: number;
  atMs: number;
}

/** A command waiting in the room's queue. */
export interface QueuedCommand {
  envelope: CommandEnvelope;
  /** An update caller waits for a result; a signal has nobody to answer. */
  awaited: boolean;
}

/** What continue-as-new carries to the next run. */
export interface CarriedState {
  room: Room;
  bindings: ChannelBinding[];
  participants: Participant[];
  idempotency: IdempotencyWindow;
  recent: RoomEvent[];
  queue: QueuedCommand[];
  processed: number;
  rejectedSignals: number;
  /** Rate-limit buckets by channel id (absent in runs recorded before rate limits existed). */
  buckets?: Record<string, TokenBucket>;
  /** Fingerprint of the worker manifest the room runs (absent before worker-owned hooks). */
  manifestFingerprint?: string;
}
