/** Binding retry policy → Temporal activity retry policy (plain data; the workflow passes it on). Pure. */
import type { RetryPolicy } from '../models/channel.js';

export interface ActivityRetry {
  maximumAttempts: number;
  initialInterval: number;
  backoffCoefficient: number;
  maximumInterval: number;
}

/** No policy ⇒ one attempt (RoomKit delivers once unless the binding asks for retries). */
export function deliveryRetry(policy: RetryPolicy | undefined): ActivityRetry {
  if (!policy) return { maximumAttempts: 1, initialInterval: 1000, backoffCoefficient: 2, maximumInterval: 60_000 };
  return {
    maximumAttempts: 1 + policy.maxRetries,
    initialInterval: Math.round(policy.baseDelaySeconds * 1000),
    backoffCoefficient: policy.exponentialBase,
    maximumInterval: Math.round(policy.maxDelaySeconds * 1000),
  };
}
