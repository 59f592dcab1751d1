import { describe, expect, it } from 'vitest';
import { ratePerSecond, takeToken, type TokenBucket } from '../../../src/core/rate-limit.js';
import { CircuitBreaker } from '../../../src/resilience/circuit-breaker.js';

describe('circuit breaker (RoomKit §17)', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => { t += ms; } };
  };

  it('opens after the threshold of consecutive failures, once per edge; a success resets the count', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 3, recoveryTimeoutMs: 1000, now: c.now });
    expect([b.recordFailure(), b.recordFailure(), b.recordSuccess()]).toEqual([undefined, undefined, undefined]);
    expect([b.recordFailure(), b.recordFailure()]).toEqual([undefined, undefined]);
    expect(b.recordFailure()).toBe('opened');
    expect(b.current).toBe('open');
    expect(b.allow()).toBe(false);
  });

  it('a probe that proved nothing (its content was refused before any request) hands the probe back', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, recoveryTimeoutMs: 1000, now: c.now });
    b.recordFailure();
    c.advance(1000);
    expect(b.allow()).toBe(true);
    b.recordInconclusive();
    expect(b.current).toBe('half_open');
    expect(b.allow()).toBe(true); // the next delivery probes instead
    expect(b.recordSuccess()).toBe('closed');
  });

  it('after the recovery timeout lets exactly one probe through; its failure re-opens with a fresh timer, its success closes', () => {
    const c = clock();
    const b = new CircuitBreaker({ failureThreshold: 1, recoveryTimeoutMs: 1000, now: c.now });
    expect(b.recordFailure()).toBe('opened');
    c.advance(999);
    expect(b.allow()).toBe(false);
    c.advance(1);
    expect(b.current).toBe('half_open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false); // only one probe
    expect(b.recordFailure()).toBeUndefined(); // still tripped: no second 'opened'
    expect(b.current).toBe('open');
    c.advance(500);
    expect(b.allow()).toBe(false); // fresh timer
    c.advance(500);
    expect(b.allow()).toBe(true);
    expect(b.recordSuccess()).toBe('closed');
    expect(b.current).toBe('closed');
    expect(b.recordSuccess()).toBeUndefined();
  });
});

describe('token bucket (RoomKit §17, durable-timer variant)', () => {
  it('reads the first rate given: per second, else per minute / 60, else per hour / 3600', () => {
    expect(ratePerSecond({ maxPerSecond: 5, maxPerMinute: 1 })).toBe(5);
    expect(ratePerSecond({ maxPerMinute: 30 })).toBe(0.5);
    expect(ratePerSecond({ maxPerHour: 7200 })).toBe(2);
  });

  it('starts full, then makes each extra delivery wait 1/rate longer than the previous (queued, never dropped)', () => {
    let bucket: TokenBucket | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = takeToken(bucket, { maxPerSecond: 2 }, 10_000);
      bucket = r.bucket;
      waits.push(r.waitMs);
    }
    expect(waits).toEqual([0, 0, 500, 1000, 1500]);
  });

  it('refills with time up to its capacity', () => {
    let { bucket } = takeToken(undefined, { maxPerSecond: 1 }, 0);
    ({ bucket } = takeToken(bucket, { maxPerSecond: 1 }, 0 + 10_000));
    expect(bucket.tokens).toBe(0); // refilled to capacity 1, not 10
    expect(takeToken(bucket, { maxPerSecond: 1 }, 10_000).waitMs).toBe(1000);
  });

  it('a rate below 1/s still admits one message per period (RoomKit would admit none)', () => {
    const first = takeToken(undefined, { maxPerMinute: 30 }, 0);
    expect(first.waitMs).toBe(0);
    const second = takeToken(first.bucket, { maxPerMinute: 30 }, 0);
    expect(second.waitMs).toBe(2000);
    const later = takeToken(first.bucket, { maxPerMinute: 30 }, 2000);
    expect(later.waitMs).toBe(0);
  });
});
