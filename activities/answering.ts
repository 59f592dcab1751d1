/**
 * "The AI is on it", as each side expects to see it (issue «Realtime», item 4):
 * - vendors: the inbound message being answered is marked read on its source channel, and every
 *   transport binding that will receive the answer shows the vendor's typing indicator
 *   (WhatsApp blue ticks + typing, Messenger `mark_seen` + `typing_on`, Teams `typing`);
 * - the room's UIs: the AI channel itself publishes `typing_start` / `typing_stop` (ephemeral).
 * Everything here is best effort: it never fails an AI generation and never holds it up for long.
 */
import { TransportChannel } from '../src/channels/transport.js';
import type { RoomContext } from '../src/channels/room-context.js';
import { planTargets } from '../src/core/visibility.js';
import type { ChannelBinding, RoomEvent } from '../src/models/index.js';
import { warn } from './context.js';
import type { ActivityDeps } from './deps.js';

/** The most a generation ever waits for the vendors (they usually answered long before the model). */
export const VENDOR_SIGNAL_TIMEOUT_MS = 2_000;

/**
 * Marks `event` read on its source channel and starts typing on every transport binding that will
 * receive the AI's answer; all calls run concurrently and are never retried (a failure is logged).
 * The returned promise never rejects; `settle()` waits for it, at most until `VENDOR_SIGNAL_TIMEOUT_MS`
 * after the start, so the indicators reach the vendors before the answer does without holding up the
 * answer behind a slow vendor.
 */
export function signalVendors(
  deps: Pick<ActivityDeps, 'channels'>, ctx: RoomContext, event: RoomEvent, aiBinding: ChannelBinding,
): { settle(): Promise<void> } {
  const deadline = Date.now() + VENDOR_SIGNAL_TIMEOUT_MS;
  const attempt = (action: 'markRead' | 'typing', channelId: string, call: () => Promise<boolean>): Promise<void> =>
    call().then(() => undefined, (err: unknown) => {
      // Never retried: a missed indicator is cosmetic, a repeated one annoys the user.
      warn(`vendor ${action} failed; the answer goes on without it`, {
        roomId: ctx.room.id, index: event.index, channelId, eventId: event.id, error: err instanceof Error ? err.message : String(err),
      });
    });

  const source = event.source;
  const sourceMessageId = source.direction === 'inbound' ? source.providerMessageId : undefined;
  const sourceBinding = ctx.bindings.find((b) => b.channelId === source.channelId);
  const sourceChannel = deps.channels.get(source.channelId);
  // Read before typing on the source binding: WhatsApp's typing indicator is itself a read receipt.
  const read = sourceMessageId && sourceBinding && sourceChannel instanceof TransportChannel
    ? attempt('markRead', source.channelId, () => sourceChannel.markRead(sourceBinding, sourceMessageId))
    : Promise.resolve();

  // The same targets the committed answer will have (see `streamTarget` in ai.ts).
  const answer = {
    visibility: event.responseVisibility ?? 'all',
    source: { channelId: aiBinding.channelId, channelType: aiBinding.channelType, direction: 'outbound' as const },
  };
  const typing = planTargets(answer, aiBinding, ctx.bindings).map((target) => {
    const channel = target.category === 'transport' ? deps.channels.get(target.channelId) : undefined;
    if (!(channel instanceof TransportChannel)) return Promise.resolve();
    const isSource = target.channelId === source.channelId;
    const options = isSource && sourceMessageId ? { replyToMessageId: sourceMessageId } : {};
    const send = () => attempt('typing', target.channelId, () => channel.sendTyping(target, true, options));
    return isSource ? read.then(send) : send();
  });

  const all = Promise.all([read, ...typing]).then(() => undefined);
  return {
    async settle(): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
      try {
        await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * The AI channel's own typing state for the room's UIs (`userId` = the AI channel id). `stop` is
 * published after `start` went out, so subscribers never see them swapped. Best effort: a realtime
 * outage is ignored (the events are ephemeral).
 */
export function aiTyping(deps: Pick<ActivityDeps, 'realtime'>, roomId: string, channelId: string, eventId: string) {
  let last: Promise<unknown> = Promise.resolve();
  const publish = (isTyping: boolean): void => {
    const realtime = deps.realtime;
    if (!realtime) return;
    last = last.then(() => realtime.publishTyping(roomId, channelId, isTyping, { event_id: eventId })).catch(() => undefined);
  };
  return {
    start: (): void => publish(true),
    stop: (): void => publish(false),
  };
}
