/** What delivering an event to one target came to: the lane's and the AI turn's common vocabulary. */
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { ChannelBinding, ChannelOutput, DeliveryResult, ErrorInfo } from '../../src/models/index.js';

export type TargetOutcome =
  | { kind: 'skipped'; binding: ChannelBinding }
  | { kind: 'delivered'; binding: ChannelBinding; result: DeliveryResult }
  | { kind: 'failed'; binding: ChannelBinding; result: DeliveryResult }
  | { kind: 'responded'; binding: ChannelBinding; output: ChannelOutput }
  | { kind: 'ai_failed'; binding: ChannelBinding; result: DeliveryResult; error: ErrorInfo };

export function aiFailure(target: ChannelBinding, error: ErrorInfo, retryable = false): TargetOutcome {
  return {
    kind: 'ai_failed', binding: target, error,
    result: failed(target, { code: error.type, message: `AI generation failed (${error.type})`, retryable }),
  };
}

export function failed(target: ChannelBinding, error: { code: string; message: string; retryable: boolean }): DeliveryResult {
  return { channelId: target.channelId, status: 'failed', error };
}

/** An activity failure as RoomKit's DeliveryError: code = the failure type, retryable unless permanent. */
export function describeFailure(err: unknown): { code: string; message: string; retryable: boolean } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure) {
    return { code: cause.type || 'DeliveryFailed', message: cause.message, retryable: !cause.nonRetryable };
  }
  if (cause instanceof TimeoutFailure) return { code: 'timeout', message: cause.message, retryable: true };
  return { code: 'DeliveryFailed', message: cause instanceof Error ? cause.message : String(cause), retryable: true };
}
