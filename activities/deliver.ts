import { ApplicationFailure } from '@temporalio/common';
import type { ChannelBinding, ProviderResult, RoomEvent } from '../src/models/index.js';
import { CircuitBreakerRegistry, type BreakerEdge } from '../src/resilience/circuit-breaker.js';
import { loadRoomContext } from './context.js';
import { channelFor, type ActivityDeps } from './deps.js';
import { toFailure } from './failures.js';
import { currentAttempt, withHeartbeat } from './heartbeat.js';

export interface DeliverInput {
  roomId: string;
  /** Already transcoded and truncated for this target by the room. */
  event: RoomEvent;
  binding: ChannelBinding;
}

export interface DeliverOutcome {
  providerResult?: ProviderResult;
  /**
   * The binding's last attempt failed: reported as data, because throwing would let Temporal spend
   * the attempts kept for worker loss, and marking it non-retryable would misreport `retryable`.
   */
  failed?: { code: string; message: string; retryable: boolean };
}

/**
 * Push one event to one transport target. Throws a typed failure the room turns into a result.
 *
 * Retries: Temporal schedules a few attempts more than the binding asks for, so a worker that dies
 * mid-send is retried even under "no retries"; the binding's own budget is enforced here, by making
 * the failure of its last attempt non-retryable.
 * Circuit breaker: one per channel on this worker; a delivery that finally fails counts once (its
 * retries are one delivery, as in RoomKit), a denied one never reaches the provider.
 */
export function deliverActivities({ store, channels, events, breakers = new CircuitBreakerRegistry() }: ActivityDeps) {
  const announce = async (edge: BreakerEdge, binding: ChannelBinding, roomId: string): Promise<void> => {
    if (!edge) return;
    await events.emit({
      type: edge === 'opened' ? 'circuit_breaker_opened' : 'circuit_breaker_closed',
      roomId, channelId: binding.channelId, timestamp: new Date().toISOString(),
      data: { channel_id: binding.channelId },
    });
  };

  return {
    async deliver(input: DeliverInput): Promise<DeliverOutcome> {
      const { binding, roomId } = input;
      const channel = channelFor({ channels }, binding.channelId);
      const breaker = breakers.for(binding.channelId);
      if (!breaker.allow()) {
        throw ApplicationFailure.create({
          type: 'circuit_breaker_open', nonRetryable: true,
          message: `circuit breaker open for channel ${binding.channelId}: recent deliveries kept failing`,
        });
      }
      let result: DeliverOutcome;
      try {
        result = await withHeartbeat(async () => {
          // Transports get the room without history: delivery has no use for it and it costs a read.
          const ctx = await loadRoomContext(store, roomId);
          await channel.onEvent(input.event, binding, ctx);
          const out = await channel.deliver(input.event, binding, ctx);
          return out.providerResult ? { providerResult: out.providerResult } : {};
        });
      } catch (err) {
        const failure = toFailure(err, binding.retryPolicy);
        const lastAttempt = failure.nonRetryable || currentAttempt() >= 1 + (binding.retryPolicy?.maxRetries ?? 0);
        const halfOpenProbe = breaker.current === 'half_open';
        if (lastAttempt || halfOpenProbe) await announce(breaker.recordFailure(), binding, roomId);
        if (!lastAttempt) throw failure;
        return { failed: { code: failure.type ?? 'DeliveryFailed', message: failure.message, retryable: !failure.nonRetryable } };
      }
      await announce(breaker.recordSuccess(), binding, roomId);
      return result;
    },
  };
}
