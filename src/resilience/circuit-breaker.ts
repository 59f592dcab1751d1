/**
 * Circuit breakers per channel (RoomKit §17), one registry per worker and shared by every room it
 * serves: after `failureThreshold` consecutive failed deliveries the channel is OPEN and deliveries
 * fail fast with `circuit_breaker_open` without calling the provider; after `recoveryTimeoutMs` one
 * probe is let through (HALF-OPEN); its success closes the breaker, its failure opens it again.
 *
 * Breakers live in worker memory, not in a workflow: they describe a provider's health as this
 * worker sees it, and they must not slow down the rooms' deterministic history.
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** What changed with a recorded outcome, so the caller can emit framework events on edges only. */
export type BreakerEdge = 'opened' | 'closed' | undefined;

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. Default 5. */
  failureThreshold?: number;
  /** How long an open breaker denies before letting one probe through. Default 60 s. */
  recoveryTimeoutMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private tripped = false;
  private readonly threshold: number;
  private readonly recoveryMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.failureThreshold ?? 5;
    this.recoveryMs = options.recoveryTimeoutMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** The state as of now (an expired OPEN reads as HALF-OPEN). */
  get current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.recoveryMs) return 'half_open';
    return this.state;
  }

  /** May a delivery go out now? In HALF-OPEN exactly one caller gets `true` until it reports back. */
  allow(): boolean {
    const state = this.current;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.probing) return false;
    this.state = 'half_open';
    this.probing = true;
    return true;
  }

  recordSuccess(): BreakerEdge {
    const wasTripped = this.tripped;
    this.state = 'closed';
    this.failures = 0;
    this.probing = false;
    this.tripped = false;
    return wasTripped ? 'closed' : undefined;
  }

  /**
   * The call let through told us nothing about the provider (its content was refused before any
   * request): the breaker stays as it was, and in HALF-OPEN the next call may probe instead.
   */
  recordInconclusive(): void {
    this.probing = false;
  }

  recordFailure(): BreakerEdge {
    this.failures += 1;
    if (this.state === 'half_open' || this.failures >= this.threshold) {
      const edge: BreakerEdge = this.tripped ? undefined : 'opened';
      this.state = 'open';
      this.openedAt = this.now();
      this.probing = false;
      this.tripped = true;
      return edge;
    }
    return undefined;
  }
}

/** One breaker per channel id, created on first use. */
export class CircuitBreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly options: CircuitBreakerOptions = {}) {}

  for(channelId: string): CircuitBreaker {
    let breaker = this.breakers.get(channelId);
    if (!breaker) {
      breaker = new CircuitBreaker(this.options);
      this.breakers.set(channelId, breaker);
    }
    return breaker;
  }

  /** Every channel's breaker state as of now (for the metrics gauge). */
  *states(): IterableIterator<[string, BreakerState]> {
    for (const [channelId, breaker] of this.breakers) yield [channelId, breaker.current];
  }
}
