import { ApplicationFailure } from '@temporalio/common';
import type { ChannelBinding, ChannelOutput, RoomEvent } from '../src/models/index.js';
import { ChannelOutput as ChannelOutputSchema } from '../src/models/index.js';
import { DEFAULT_HISTORY_WINDOW, loadRoomContext } from './context.js';
import { channelFor, type ActivityDeps } from './deps.js';
import { toFailure } from './failures.js';

export interface RespondInput {
  roomId: string;
  /** Transcoded for this target. */
  event: RoomEvent;
  binding: ChannelBinding;
}

export function respondActivities({ store, channels }: ActivityDeps) {
  return {
    /** An intelligence channel reacts to an event (AI generation). Failures are classified for retry. */
    async respond(input: RespondInput): Promise<ChannelOutput> {
      const channel = channelFor({ channels }, input.binding.channelId);
      const window = Math.max(DEFAULT_HISTORY_WINDOW, channel.recentEventsWindow);
      let output: ChannelOutput | undefined;
      try {
        // +1: the history ends with the event being answered, which the channel does not count.
        const ctx = await loadRoomContext(store, input.roomId, { historyLimit: Math.min(window, 2000) + 1 });
        output = await channel.onEvent(input.event, input.binding, ctx);
      } catch (err) {
        throw toFailure(err);
      }
      if (!output) return { responded: false, responseEvents: [] };
      const parsed = ChannelOutputSchema.safeParse(output);
      if (!parsed.success) {
        throw ApplicationFailure.nonRetryable(
          `channel ${input.binding.channelId} returned an invalid output: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
          'InvalidChannelOutputError',
        );
      }
      return parsed.data;
    },
  };
}
