/**
 * Activity proxies, one per timeout/retry class. The workflow knows activities only as types.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { PersistInput, RoomActivities } from '../../activities/index.js';
import type { ChannelBinding } from '../../src/models/index.js';
import { deliveryRetry } from '../../src/core/retry.js';
import { commitsByLocalActivity } from './patches.js';

/** Store writes and reads: fast, idempotent, retried until they land. */
const storeOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds', maximumAttempts: 30 },
} as const;
const storeOps = proxyActivities<RoomActivities>(storeOptions);
const localStoreOps = proxyLocalActivities<RoomActivities>(storeOptions);
export const { loadEvent, getEvent, findEventByIdempotencyKey, emitFrameworkEvents } = storeOps;

/**
 * Write a commit: an idempotent upsert by (room, index), as a regular activity. Runs recorded while
 * commits were local activities replay with local activities (see `PATCHES.commitsAsActivities` for
 * why that stopped: their resolution could land in a later workflow task than their marker).
 */
export function persist(input: PersistInput): Promise<void> {
  const local = commitsByLocalActivity();
  return local ? localStoreOps.persist(input) : storeOps.persist(input);
}

/** Several commits in one activity, written in order (the room's write-behind batches). */
export const { persistBatch } = storeOps;

/** Hooks bound their own calls; the activity only needs room for the sum of their timeouts. */
export function hookOps(totalTimeoutMs: number) {
  return proxyActivities<RoomActivities>({
    startToCloseTimeout: totalTimeoutMs + 15_000,
    retry: { maximumAttempts: 3, initialInterval: '1 second' },
  });
}

/** One delivery proxy per binding retry policy (RoomKit's RetryPolicy → Temporal's). */
export function deliverOps(binding: ChannelBinding) {
  return proxyActivities<RoomActivities>({
    startToCloseTimeout: '60 seconds',
    // The activity heartbeats while the provider works: a dead worker is noticed in seconds.
    heartbeatTimeout: '10 seconds',
    retry: deliveryRetry(binding.retryPolicy),
  });
}

/** AI generation: slow, retried a few times on retryable provider errors (Retry-After honoured). */
const aiRetry = { maximumAttempts: 3, initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;
/** AIChannel generation heartbeats: a worker that dies mid-generation is noticed in seconds. */
export const { aiGenerate } = proxyActivities<RoomActivities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '10 seconds', retry: aiRetry });
/** Other intelligence channels react in one activity (they do not heartbeat). */
export const { respond } = proxyActivities<RoomActivities>({ startToCloseTimeout: '5 minutes', retry: aiRetry });

/**
 * A tool call: its handler bounds itself (tool timeout); the activity is retried only when the
 * worker running it disappears, detected by the start-to-close timeout.
 */
export const { runTool } = proxyActivities<RoomActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});
