/** What delivering an event to one target came to: the lane's and the AI turn's common vocabulary. */
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
