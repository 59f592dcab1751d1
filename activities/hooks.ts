import { ApplicationFailure } from '@temporalio/common';
import type { SyncHookOutcome } from '../src/core/hooks.js';
import type { HookTrigger, RoomEvent } from '../src/models/index.js';
import { runObservers, runSyncChain, type HookReport } from '../src/hooks/runner.js';
import type { FrameworkEventBus } from '../src/hooks/framework-events.js';
import { DEFAULT_HISTORY_WINDOW, loadRoomContext } from './context.js';
import type { ActivityDeps } from './deps.js';

export interface HookRunInput {
  roomId: string;
  trigger: HookTrigger;
  /** Hooks to run, in order, as the room selected them from the kit manifest. */
  hookNames: string[];
  event: RoomEvent;
}

export function hookActivities({ store, hooks, events }: ActivityDeps) {
  return {
    /** A sync chain (BEFORE_BROADCAST): returns the reduced decision; never throws for a hook's fault. */
    async runSyncHooks(input: HookRunInput): Promise<SyncHookOutcome> {
      const ctx = await loadRoomContext(store, input.roomId, { historyLimit: DEFAULT_HISTORY_WINDOW });
      const { outcome, reports } = await runSyncChain(hooks, input.hookNames, input.event, ctx);
      await announce(events, input, reports);
      return outcome;
    },
    /** Observers (AFTER_BROADCAST, lifecycle, ON_ERROR…): run concurrently, results ignored. */
    async runAsyncHooks(input: HookRunInput): Promise<void> {
      const ctx = await loadRoomContext(store, input.roomId, { historyLimit: DEFAULT_HISTORY_WINDOW }).catch(() => undefined);
      if (!ctx) throw ApplicationFailure.nonRetryable(`room ${input.roomId} is not in the store`, 'RoomNotFoundError');
      const reports = await runObservers(hooks, input.hookNames, input.event, ctx);
      await announce(events, input, reports);
    },
  };
}

/** hook_error / hook_timeout framework events, raised where the hook ran. */
async function announce(bus: FrameworkEventBus, input: HookRunInput, reports: HookReport[]): Promise<void> {
  const timestamp = new Date().toISOString();
  for (const r of reports) {
    await bus.emit(
      r.timedOut
        ? { type: 'hook_timeout', roomId: input.roomId, eventId: input.event.id, timestamp,
            data: { hook_name: r.hook, trigger: input.trigger, timeout: r.timeoutMs / 1000 } }
        : { type: 'hook_error', roomId: input.roomId, eventId: input.event.id, timestamp,
            data: { hook: r.hook, trigger: input.trigger, error: r.error } },
    );
  }
}
