/** Binding retry policy → Temporal activity retry policy (plain data; the workflow passes it on). Pure. */
import type { RetryPolicy } from '../models/channel.js';

export interface ActivityRetry {
  maximumAttempts: number;
  initialInterval: number;
  backoffCoefficient: number;
  maximumInterval: number;
}

/**
 * Attempts Temporal may spend beyond the binding's budget when a worker dies mid-delivery (a
 * heartbeat or start-to-close timeout). The delivery activity refuses to retry its own failures past
 * the binding's budget, so these attempts are only ever used to recover from a lost worker.
 */
export const WORKER_LOSS_ATTEMPTS = 3;

/** No policy ⇒ one delivery attempt (RoomKit delivers once unless the binding asks for retries). */
export function deliveryRetry(policy: RetryPolicy | undefined): ActivityRetry {
  if (!policy) return { maximumAttempts: 1 + WORKER_LOSS_ATTEMPTS, initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000 };
  return {
    maximumAttempts: 1 + policy.maxRetries + WORKER_LOSS_ATTEMPTS,
    initialInterval: Math.round(policy.baseDelaySeconds * 1000),
    backoffCoefficient: policy.exponentialBase,
    maximumInterval: Math.round(policy.maxDelaySeconds * 1000),
  };
}
