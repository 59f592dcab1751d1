/**
 * A token bucket per key, in memory: `perMinute` tokens a minute, up to `burst` at once. Webhooks use
 * one per router, keyed by channel and sender (after the vendor's signature is verified and the
 * payload parsed), so one noisy number cannot flood its rooms. Per process: N HTTP processes behind a
 * load balancer let a sender through N times the rate. Idle buckets are forgotten once full again.
 */
import { RateLimitedError } from '../../errors.js';

export interface SenderRateLimitOptions {
  /** Messages per key per minute (the refill rate). */
  perMinute: number;
  /** Messages a key may send at once after a quiet spell. Default `perMinute`. */
  burst?: number;
  /** The clock (tests). Default `Date.now`. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class SenderRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly ratePerMs: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(options: SenderRateLimitOptions) {
    if (!(options.perMinute > 0)) throw new RangeError('perMinute must be > 0');
    this.ratePerMs = options.perMinute / 60_000;
    this.burst = Math.max(1, options.burst ?? options.perMinute);
    this.now = options.now ?? Date.now;
  }

  /**
   * Takes `count` tokens of every key at once, or none: `RateLimitedError` (HTTP 429, `Retry-After`)
   * when one key has too few.
   */
  take(keys: readonly string[]): void {
    const now = this.now();
    const wanted = new Map<string, number>();
    for (const k of keys) wanted.set(k, (wanted.get(k) ?? 0) + 1);
    for (const [key, count] of wanted) {
      const tokens = this.refill(key, now).tokens;
      if (tokens < count) throw new RateLimitedError(key, Math.max(1, Math.ceil((count - tokens) / this.ratePerMs / 1000)));
    }
    for (const [key, count] of wanted) this.refill(key, now).tokens -= count;
    if (this.buckets.size > 10_000) this.sweep(now);
  }

  private refill(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.ratePerMs);
    bucket.at = now;
    return bucket;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.at) * this.ratePerMs >= this.burst) this.buckets.delete(key);
    }
  }
}
