import { emptyOutcome, failsClosed, matchingHooks, type SyncHookOutcome } from '../src/core/hooks.js';
import type { HookExecution, HookTrigger, RoomEvent } from '../src/models/index.js';
import { runObservers, runSyncChain, type HookReport, type HookTiming } from '../src/hooks/runner.js';
import type { FrameworkEventBus } from '../src/hooks/framework-events.js';
import { DEFAULT_HISTORY_WINDOW, loadRoomContext } from './context.js';
import type { ActivityDeps } from './deps.js';
import { withHeartbeat } from './heartbeat.js';

export interface HookRunInput {
  roomId: string;
  trigger: HookTrigger;
  /** Hooks the room selected from the manifest it runs (used as given only by rooms without `select`). */
  hookNames: string[];
  event: RoomEvent;
  /**
   * Set by rooms that run their workers' hooks: this worker selects its own hooks for the trigger
   * (so a worker of another version runs its own set, never a name it does not have).
   */
  select?: { execution?: HookExecution; ignoreSourceFilters?: boolean };
}

/**
 * Hook functions fail open (RoomKit's rule for a hook's own error: logged, reported, skipped). The
 * room context they need is not theirs: a room missing from the store or an unreachable store is
 * an infrastructure fault, thrown so the activity is retried until it heals.
 */
export function hookActivities({ store, hooks, events, metrics }: ActivityDeps) {
  const timing = (trigger: string): HookTiming | undefined =>
    metrics && ((hook, outcome, ms) => metrics.hook(hook, trigger, outcome, ms / 1000));
  const namesFor = (input: HookRunInput): string[] =>
    input.select
      ? matchingHooks(hooks.specs(), input.trigger, input.select.ignoreSourceFilters ? undefined : input.event, input.select.execution)
        .map((h) => h.name)
      : input.hookNames;
  // Throws (retryably) when the store cannot be read or does not hold the room.
  const context = (roomId: string) => loadRoomContext(store, roomId, { historyLimit: DEFAULT_HISTORY_WINDOW });
  return {
    /** A sync chain (BEFORE_BROADCAST): returns the reduced decision; never throws for a hook's fault. */
    async runSyncHooks(input: HookRunInput): Promise<SyncHookOutcome> {
      const names = namesFor(input);
      if (!names.length) return emptyOutcome(input.event);
      return withHeartbeat(async () => {
        const { outcome, reports } = await runSyncChain(
          hooks, names, input.event, await context(input.roomId), timing(input.trigger), { failClosed: failsClosed(input.trigger) },
        );
        await announce(events, input, reports);
        return outcome;
      });
    },
    /** Observers (AFTER_BROADCAST, lifecycle, ON_ERROR…): run concurrently, results ignored. */
    async runAsyncHooks(input: HookRunInput): Promise<void> {
      const names = namesFor(input);
      if (!names.length) return;
      await withHeartbeat(async () => {
        const reports = await runObservers(hooks, names, input.event, await context(input.roomId), timing(input.trigger));
        await announce(events, input, reports);
      });
    },
  };
}

/** hook_error / hook_timeout framework events, raised where the hook ran. */
async function announce(bus: FrameworkEventBus, input: HookRunInput, reports: HookReport[]): Promise<void> {
  const timestamp = new Date().toISOString();
  for (const r of reports) {
    // A timeout is both: hook_timeout {hook_name, trigger, timeout} and the hook_error every failure gets.
    if (r.timedOut) {
      await bus.emit({ type: 'hook_timeout', roomId: input.roomId, eventId: input.event.id, timestamp,
        data: { hook_name: r.hook, trigger: input.trigger, timeout: r.timeoutMs / 1000 } });
    }
    await bus.emit({ type: 'hook_error', roomId: input.roomId, eventId: input.event.id, timestamp,
      data: { hook: r.hook, trigger: input.trigger, error: r.error } });
  }
}
