import type { ChannelBinding, ProviderResult, RoomEvent } from '../src/models/index.js';
import { loadRoomContext } from './context.js';
import { channelFor, type ActivityDeps } from './deps.js';
import { toFailure } from './failures.js';

export interface DeliverInput {
  roomId: string;
  /** Already transcoded and truncated for this target by the room. */
  event: RoomEvent;
  binding: ChannelBinding;
}

export interface DeliverOutcome {
  providerResult?: ProviderResult;
}

export function deliverActivities({ store, channels }: ActivityDeps) {
  return {
    /** Push one event to one transport target. Throws a typed failure the room turns into a result. */
    async deliver(input: DeliverInput): Promise<DeliverOutcome> {
      const channel = channelFor({ channels }, input.binding.channelId);
      try {
        // Transports get the room without history: delivery has no use for it and it costs a read.
        const ctx = await loadRoomContext(store, input.roomId);
        await channel.onEvent(input.event, input.binding, ctx);
        const out = await channel.deliver(input.event, input.binding, ctx);
        return out.providerResult ? { providerResult: out.providerResult } : {};
      } catch (err) {
        throw toFailure(err, input.binding.retryPolicy);
      }
    },
  };
}
