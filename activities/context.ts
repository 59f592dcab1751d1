import { Context } from '@temporalio/activity';
import type { RoomContext } from '../src/channels/room-context.js';
import type { ConversationStore } from '../src/store/conversation-store.js';

/** Minimum history handed to hooks and channels (RoomKit's floor for `recent_events`). */
export const DEFAULT_HISTORY_WINDOW = 50;

/**
 * Build a room's context from the store. The room workflow persists room, bindings and events
 * before it runs hooks or broadcasts, so the read model is current for the event at hand.
 */
export async function loadRoomContext(
  store: ConversationStore, roomId: string, options: { historyLimit?: number } = {},
): Promise<RoomContext> {
  return untilStoreAnswers(() => readRoomContext(store, roomId, options));
}

/**
 * An unreachable store, or a room it does not hold yet, is an infrastructure fault: never a reason
 * to skip a hook, count a delivery attempt against a channel or trip its circuit breaker. Inside an
 * activity the read is tried again (heartbeating, backing off to 5 s) until it answers or the
 * activity is cancelled or times out; then Temporal retries the activity. Outside one it throws.
 */
export async function untilStoreAnswers<T>(read: () => Promise<T>, options: { maxMs?: number } = {}): Promise<T> {
  let ctx: Context | undefined;
  try {
    ctx = Context.current();
  } catch {
    return read();
  }
  const deadline = options.maxMs === undefined ? Infinity : Date.now() + options.maxMs;
  for (let delay = 200; ; delay = Math.min(delay * 2, 5_000)) {
    try {
      return await read();
    } catch (err) {
      if (ctx.cancellationSignal.aborted || Date.now() + delay > deadline) throw err;
      ctx.log.warn('store read failed; trying again', { error: err instanceof Error ? err.message : String(err), delayMs: delay });
      ctx.heartbeat();
      await ctx.sleep(delay); // rejects once the activity is cancelled or times out
    }
  }
}

/** A warning in the activity's log (with its ids), or on the console outside an activity. */
export function warn(message: string, attrs: Record<string, unknown>): void {
  try {
    Context.current().log.warn(message, attrs);
  } catch {
    console.warn(message, attrs);
  }
}

async function readRoomContext(
  store: ConversationStore, roomId: string, options: { historyLimit?: number },
): Promise<RoomContext> {
  const [room, bindings, participants, recentEvents] = await Promise.all([
    store.getRoom(roomId),
    store.listBindings(roomId),
    store.listParticipants(roomId),
    options.historyLimit
      ? store.listEvents(roomId, { eventTypes: ['message'], newestFirst: true, limit: options.historyLimit })
      : Promise.resolve([]),
  ]);
  if (!room) throw new Error(`room ${roomId} is not in the store`);
  return { room, bindings, participants, recentEvents };
}
