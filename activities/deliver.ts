
import type { ChannelBinding, ProviderResult, RoomEvent } from '../src/models/index.js';
import { ProviderDeliveryError } from '../src/errors.js';
import { CircuitBreakerRegistry, type BreakerEdge } from '../src/resilience/circuit-breaker.js';
import type { RoomContext } from '../src/channels/room-context.js';
import { loadRoomContext, untilStoreAnswers, warn } from './context.js';
import { channelFor, type ActivityDeps } from './deps.js';
import { toFailure } from './failures.js';
import { currentAttempt, withHeartbeat } from './heartbeat.js';

export interface DeliverInput {
  roomId: string;
  /** Already transcoded and truncated for this target by the room. */
  event: RoomEvent;
  binding: ChannelBinding;
  /** Attempts this event already had elsewhere (its first, in a batch). */
  attemptOffset?: number;
}

export interface DeliverBatchInput {
  roomId: string;
  binding: ChannelBinding;
  /** Consecutive committed events for this binding, in index order, already transcoded. */
  events: RoomEvent[];
}

export interface DeliverBatchOutcome {
  /** One outcome per event delivered or finally failed, in order. */
  results: DeliverOutcome[];
  /** Index (in `events`) of the first event that failed retryably; it and the rest were not sent. */
  retryFrom?: number;
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
 * mid-send is retried even under "no retries"; the binding's own budget is enforced here, by
 * reporting the failure of its last attempt as data.
 * Circuit breaker: one per channel on this worker; a delivery that finally fails counts once (its
 * retries are one delivery, as in RoomKit), a denied one never reaches the provider.
 */
/** Refusals of the content itself (RoomKit's codes): never a circuit-breaker failure. */
const CONTENT_REFUSALS = new Set(['empty_message', 'transcoding_failed', 'message_too_long', 'unsupported_content']);

export function deliverActivities({ store, channels, events, breakers = new CircuitBreakerRegistry(), metrics }: ActivityDeps) {
  const announce = async (edge: BreakerEdge, binding: ChannelBinding, roomId: string): Promise<void> => {
    if (!edge) return;
    await events.emit({
      type: edge === 'opened' ? 'circuit_breaker_opened' : 'circuit_breaker_closed',
      roomId, channelId: binding.channelId, timestamp: new Date().toISOString(),
      data: { channel_id: binding.channelId },
    });
  };

  /**
   * The provider's id for this send, so its delivery reports find the room. The send has happened:
   * a store that cannot take the index must not make Temporal send it again, so a failure that
   * outlasts the activity is logged and the report falls back to the recipient's room.
   */
  const indexDelivery = async ({ roomId, binding, event }: DeliverInput, providerMessageId: string): Promise<void> => {
    try {
      // Bounded well inside the activity's timeout: outliving it would make Temporal send again.
      await untilStoreAnswers(() => store.recordDelivery({
        roomId, eventId: event.id, index: event.index, channelId: binding.channelId,
        result: { channelId: binding.channelId, status: 'sent', providerMessageId },
      }), { maxMs: 5_000 });
    } catch (err) {
      warn('provider message id not indexed', { roomId, index: event.index, channelId: binding.channelId, providerMessageId, error: String(err) });
    }
  };

  /**
   * One attempt at one event. Throws a retryable failure while the binding's budget lasts; on its
   * last attempt reports the failure as data. `attempt` counts this event's attempts from 1.
   */
  const deliverOnce = async (input: DeliverInput, attempt: number, context?: RoomContext): Promise<DeliverOutcome> => {
    const { binding, roomId } = input;
    const channel = channelFor({ channels }, binding.channelId);
    // Transports get the room without history: delivery has no use for it and it costs a read. A
    // store that cannot answer is not the channel's failure: it counts no attempt and no breaker failure.
    const ctx = context ?? (await loadRoomContext(store, roomId));
    // A retried activity may follow an attempt that sent and then lost its answer (a worker or the
    // Temporal server died): what that attempt recorded says it is sent, so it is not sent again.
    if (currentAttempt() > 1) {
      const prior = await untilStoreAnswers(() => store.getDelivery(roomId, input.event.index, binding.channelId));
      if (prior?.status === 'sent' && prior.providerMessageId) {
        return { providerResult: { success: true, providerMessageId: prior.providerMessageId } };
      }
    }
    const breaker = breakers.for(binding.channelId);
    // Whether this call is the half-open probe, decided before it is let through.
    const probe = breaker.current === 'half_open';
    if (!breaker.allow()) {
      metrics?.outbound(binding.channelId, 'refused');
      return { failed: { code: 'circuit_breaker_open', message: `circuit breaker open for channel ${binding.channelId}: recent deliveries kept failing`, retryable: false } };
    }
    let result: DeliverOutcome;
    try {
      await channel.onEvent(input.event, binding, ctx);
      const sending = Date.now();
      let out;
      try {
        out = await channel.deliver(input.event, binding, ctx);
      } finally {
        metrics?.deliveryTime(binding.channelId, (Date.now() - sending) / 1000);
      }
      result = out.providerResult ? { providerResult: out.providerResult } : {};
      if (out.providerResult?.providerMessageId) await indexDelivery(input, out.providerResult.providerMessageId);
    } catch (err) {
      const failure = toFailure(err, binding.retryPolicy);
      const lastAttempt = failure.nonRetryable || attempt >= 1 + (binding.retryPolicy?.maxRetries ?? 0);
      // Content this channel cannot carry says nothing about the provider's health: no failure is
      // counted, and a probe it used up is handed back.
      if (CONTENT_REFUSALS.has(failure.type ?? '')) breaker.recordInconclusive();
      else if (lastAttempt || probe) await announce(breaker.recordFailure(), binding, roomId);
      if (!lastAttempt) throw failure;
      metrics?.outbound(binding.channelId, CONTENT_REFUSALS.has(failure.type ?? '') ? 'refused' : 'failed');
      const answered = err instanceof ProviderDeliveryError ? err.providerResult : undefined;
      return {
        failed: { code: failure.type ?? 'DeliveryFailed', message: failure.message, retryable: !failure.nonRetryable },
        ...(answered && { providerResult: answered }),
      };
    }
    await announce(breaker.recordSuccess(), binding, roomId);
    metrics?.outbound(binding.channelId, result.providerResult?.success === false ? 'failed' : 'delivered');
    return result;
  };

  return {
    async deliver(input: DeliverInput): Promise<DeliverOutcome> {
      return withHeartbeat(() => deliverOnce(input, currentAttempt() + (input.attemptOffset ?? 0)));
    },

    /**
     * A busy room's backlog for one transport, in index order, in one activity. Each event gets its
     * first attempt here; the first one that fails retryably stops the batch and the room retries it
     * alone (`deliver` with `attemptOffset: 1`) before sending the rest, so order and each event's
     * retry budget are kept. A worker lost mid-batch re-runs it: events already sent go out again
     * with the same idempotency keys.
     */
    async deliverBatch(input: DeliverBatchInput): Promise<DeliverBatchOutcome> {
      return withHeartbeat(async () => {
        const results: DeliverOutcome[] = [];
        const ctx = await loadRoomContext(store, input.roomId); // one read for the whole batch
        for (const [i, event] of input.events.entries()) {
          try {
            results.push(await deliverOnce({ roomId: input.roomId, binding: input.binding, event }, 1, ctx));
          } catch {
            return { results, retryFrom: i };
          }
        }
        return { results };
      });
    },
  };
}
