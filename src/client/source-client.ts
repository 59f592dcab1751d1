/**
 * Facade over `@temporalio/client` for source workflows (`source:<channelId>`): start, stop, and
 * health. Health is read from Temporal itself, so any process sees it: the workflow's status, its
 * pending run's attempt and last failure, and the health that run last heartbeated.
 */
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { SourceHeartbeat, type SourceRunInput, type SourceRunResult } from '../models/source.js';
import { SourceAlreadyAttachedError } from '../sources/errors.js';
import type { SourceHealth } from '../sources/source.js';
import { RUN_SOURCE_ACTIVITY, sourceWorkflowId } from '../../workflows/source/definitions.js';

/** The workflow type name registered by `workflows/index.ts`. */
export const SOURCE_WORKFLOW_TYPE = 'sourceWorkflow';
/** temporal.api.enums.v1.PendingActivityState.STARTED */
const STARTED = 2;

export class SourceClient {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

  /** Start the source's workflow; one already running for the channel ⇒ `SourceAlreadyAttachedError`. */
  async start(input: SourceRunInput): Promise<void> {
    try {
      await this.client.workflow.start(SOURCE_WORKFLOW_TYPE, {
        workflowId: sourceWorkflowId(input.channelId), taskQueue: this.taskQueue, args: [input],
        workflowIdConflictPolicy: 'FAIL', memo: { sourceName: input.sourceName },
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new SourceAlreadyAttachedError(input.channelId);
      throw err;
    }
  }

  /**
   * Cancel the source's run and wait until it stopped. False when no run of it is going (never
   * attached, or it already ended: stopped by itself or exhausted).
   */
  async stop(channelId: string): Promise<boolean> {
    const handle = this.handle(channelId);
    try {
      const d = await handle.describe();
      if (d.status.name !== 'RUNNING') return false;
      await handle.cancel();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
    await handle.result().catch(() => undefined);
    return true;
  }

  /** The source's health, or undefined when it was never attached here (no workflow for the channel). */
  async health(channelId: string): Promise<SourceHealth | undefined> {
    const handle = this.handle(channelId);
    let d: Awaited<ReturnType<WorkflowHandle['describe']>>;
    try {
      d = await handle.describe();
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
    const name = typeof d.memo?.sourceName === 'string' ? d.memo.sourceName : channelId;
    const base = { channelId, name, messagesReceived: 0, attempt: 1, exhausted: false };
    if (d.status.name === 'RUNNING') {
      const run = d.raw.pendingActivities?.find((a) => a.activityType?.name === RUN_SOURCE_ACTIVITY);
      if (!run) return { ...base, status: 'error' };
      const decoded = await decodeArrayFromPayloads(this.client.options.loadedDataConverter, run.heartbeatDetails?.payloads);
      const parsed = SourceHeartbeat.safeParse(decoded[0]);
      const beat = parsed.success ? parsed.data : undefined;
      const attempt = run.attempt ?? 1;
      const current = beat?.attempt === attempt && run.state === STARTED;
      const status = current ? beat.status : attempt > 1 ? 'reconnecting' : 'connecting';
      const error = current ? beat.error : (run.lastFailure?.message ?? beat?.error);
      return {
        ...base, ...counters(beat), status, attempt, ...(error && status !== 'connected' && { error }),
      };
    }
    if (d.status.name !== 'COMPLETED') return { ...base, status: 'stopped' };
    const result = (await handle.result()) as SourceRunResult;
    if (result.status !== 'exhausted') return { ...base, status: 'stopped' };
    return { ...base, ...counters(result.health), status: 'error', error: result.lastError, attempt: result.attempts, exhausted: true };
  }

  private handle(channelId: string): WorkflowHandle {
    return this.client.workflow.getHandle(sourceWorkflowId(channelId));
  }
}

function counters(beat?: SourceHeartbeat): Pick<SourceHealth, 'messagesReceived' | 'connectedAt' | 'lastMessageAt'> {
  return {
    messagesReceived: beat?.messagesReceived ?? 0,
    ...(beat?.connectedAt && { connectedAt: beat.connectedAt }),
    ...(beat?.lastMessageAt && { lastMessageAt: beat.lastMessageAt }),
  };
}
