/**
 * Per-binding token bucket (RoomKit `TokenBucketRateLimiter`), as pure data the room carries across
 * continue-as-new. Taking a token *reserves* it: the bucket may go negative and the answer is how long
 * the delivery must wait on a durable timer, so concurrent deliveries queue in order and none is
 * dropped.
 *
 * Deliberate difference from RoomKit: capacity is `max(1, rate × 1 s)`. RoomKit's capacity of
 * `rate × 1 s` makes a bucket below 1/s unable to ever hold a whole token, so its non-blocking
 * `acquire` always fails; here a rate below 1/s admits one message per period (1/rate seconds).
 */
import type { RateLimit } from '../models/channel.js';
import type { TokenBucket } from '../models/carried.js';

export type { TokenBucket };

/** Tokens per second of a binding's limit (the first of per-second, per-minute, per-hour). */
export function ratePerSecond(limit: RateLimit): number {
  if (limit.maxPerSecond !== undefined) return limit.maxPerSecond;
  if (limit.maxPerMinute !== undefined) return limit.maxPerMinute / 60;
  return (limit.maxPerHour ?? Number.POSITIVE_INFINITY) / 3600;
}

/**
 * Take one token at `nowMs`. Returns the new bucket and how long to wait before sending (0 ⇒ now).
 * A missing bucket starts full.
 */
export function takeToken(bucket: TokenBucket | undefined, limit: RateLimit, nowMs: number): { bucket: TokenBucket; waitMs: number } {
  const rate = ratePerSecond(limit);
  const capacity = Math.max(1, rate);
  const start = bucket ?? { tokens: capacity, atMs: nowMs };
  const elapsed = Math.max(0, nowMs - start.atMs) / 1000;
  const tokens = Math.min(capacity, start.tokens + elapsed * rate) - 1;
  const waitMs = tokens >= 0 ? 0 : Math.ceil((-tokens / rate) * 1000);
  return { bucket: { tokens, atMs: nowMs }, waitMs };
}
