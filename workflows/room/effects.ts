/**
 * Activity proxies, one per timeout/retry class. The workflow knows activities only as types.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { PersistInput, RoomActivities } from '../../activities/index.js';
import type { ChannelBinding, WorkerManifest } from '../../src/models/index.js';
import { deliveryRetry } from '../../src/core/retry.js';
import { commitsByLocalActivity } from './patches.js';

/** Store writes and reads: fast, idempotent, retried until they land. */
const storeOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
} as const;
const storeOps = proxyActivities<RoomActivities>(storeOptions);
const localStoreOps = proxyLocalActivities<RoomActivities>(storeOptions);
export const { loadEvent, getEvent, findEventByIdempotencyKey, emitFrameworkEvents } = storeOps;

/**
 * Write a commit: an idempotent upsert by (room, index), as a regular activity. Runs recorded while
 * commits were local activities replay with local activities (see `PATCHES.commitsAsActivities` for
 * why that stopped: their resolution could land in a later workflow task than their marker).
 */
export function persist(input: PersistInput): Promise<WorkerManifest | null> {
  const local = commitsByLocalActivity();
  return local ? localStoreOps.persist(input) : storeOps.persist(input);
}

/** A worker's manifest: in-memory on the worker, so it is retried until some worker answers. */
export const { describeWorker } = proxyActivities<RoomActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/** Several commits in one activity, written in order (the room's write-behind batches). */
export const { persistBatch } = storeOps;

/**
 * Hooks bound their own calls. A hook's own failure never fails the activity (it fails open
 * inside), so what is retried here is an infrastructure fault (store unreachable, room not
 * readable, worker gone): retried until it heals, because skipping a moderation hook is never the
 * answer to an outage.
 *
 * Rooms that run their workers' hooks cannot know every timeout of the set the worker will run (it
 * may have more hooks than the room has heard of), so the activity heartbeats and gets a generous
 * bound; a lost worker is noticed by the heartbeat.
 */
export function hookOps(totalTimeoutMs: number, workerSelects = false) {
  return proxyActivities<RoomActivities>({
    startToCloseTimeout: workerSelects ? Math.max(totalTimeoutMs + 15_000, 10 * 60_000) : totalTimeoutMs + 15_000,
    ...(workerSelects && { heartbeatTimeout: '10 seconds' }),
    retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
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

/** The identity resolver's activity: its own timeout plus a margin, one retry for a lost worker. */
export function identityOps(timeoutMs: number) {
  return proxyActivities<RoomActivities>({
    startToCloseTimeout: timeoutMs + 5_000,
    retry: { initialInterval: '500 milliseconds', maximumAttempts: 2 },
  });
}

/**
 * Speech (RoomKit §19.1): STT and TTS engines heartbeat while they run, so a lost worker is noticed
 * in seconds and a barge-in's cancellation reaches a synthesis in flight. A few attempts only: a
 * caller waits on each, and an answer spoken a minute late is worse than none.
 */
export const voiceOps = proxyActivities<RoomActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { maximumAttempts: 3, initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});
