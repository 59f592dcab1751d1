/**
 * One workflow per attached source (`source:<channelId>`): it runs the source as one long-lived,
 * heartbeating activity and lets Temporal's retry policy do RoomKit's restarts (first retry after
 * `restartDelay`, doubling up to `maxRestartDelay`, `maxRestartAttempts` runs in all). A dead worker
 * stops heartbeating, so the activity is retried on another worker. Detaching cancels the workflow,
 * which cancels the activity and waits for the source to stop.
 */
import {
  ActivityCancellationType, ActivityFailure, ApplicationFailure, CancellationScope, isCancellation, proxyActivities,
} from '@temporalio/workflow';
import type { SourceFailureDetails, SourceRunInput, SourceRunResult } from '../../src/models/source.js';
import type { SourceActivities } from '../../activities/sources.js';

export async function sourceWorkflow(input: SourceRunInput): Promise<SourceRunResult> {
  const run = proxyActivities<SourceActivities>({
    // A source runs until stopped; liveness is the heartbeat, not a deadline.
    startToCloseTimeout: '3650 days',
    heartbeatTimeout: input.heartbeatTimeoutMs,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: input.retry.initialIntervalMs,
      maximumInterval: input.retry.maximumIntervalMs,
      backoffCoefficient: 2,
      // 0 = unlimited (RoomKit's None): the SDK wants the field absent for that.
      ...(input.retry.maximumAttempts > 0 && { maximumAttempts: input.retry.maximumAttempts }),
    },
  });
  const notify = proxyActivities<SourceActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 5 } });
  try {
    await run.runSource(input);
    return { status: 'stopped' };
  } catch (err) {
    if (isCancellation(err)) return { status: 'detached' };
    const cause = err instanceof ActivityFailure ? err.cause : err;
    const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as SourceFailureDetails | undefined) : undefined;
    const result: SourceRunResult = {
      status: 'exhausted',
      attempts: details?.attempt ?? input.retry.maximumAttempts,
      lastError: cause instanceof Error ? cause.message : String(cause),
      ...(details?.health && { health: details.health }),
    };
    await CancellationScope.nonCancellable(() => notify.emitSourceEvent({
      type: 'source_exhausted', channelId: input.channelId,
      data: { source_name: input.sourceName, attempts: result.attempts, last_error: result.lastError },
    }));
    return result;
  }
}
