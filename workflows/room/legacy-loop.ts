/**
 * The command loop as runs recorded before the loop of named steps (patch `loop-of-steps`) ran it.
 * Kept verbatim, awaits and patch checks included, so those runs replay; new runs use `loop.ts`.
 */
import { allHandlersFinished, condition, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { msUntilNextTimer } from '../../src/core/timers.js';
import type { RoomWorkflowInput } from '../../src/models/index.js';
import { release } from './cascade.js';
import { DRAIN_AFTER_EVENTS } from './loop-rules.js';
import { closedRoomCompletes, drainForContinueAsNew } from './patches.js';
import { commitPass } from './pipeline.js';
import { within } from './trace-context.js';
import { applyTimers, flushFramework, guarded, processCommand, type SettleFn } from './serve.js';
import type { RoomState } from './state.js';

type RoomWorkflow = (input: RoomWorkflowInput) => Promise<void>;

export async function legacyCommandLoop(rs: RoomState, settle: SettleFn): Promise<void> {
  for (;;) {
    const info = workflowInfo();
    const drains = drainForContinueAsNew();
    if (info.continueAsNewSuggested && !rs.refusesWrites() && drains) {
      // A room that falls idle continues as new further down, accepting callers meanwhile. One that
      // stays busy for DRAIN_AFTER_EVENTS more history events drains: new updates are refused (the
      // client retries them on the next run), queued updates and AI answers are served, deliveries
      // finish, and queued signals are carried over unprocessed.
      rs.suggestedAtLength ??= info.historyLength;
      if (info.historyLength - rs.suggestedAtLength >= DRAIN_AFTER_EVENTS) rs.draining = true;
      if (rs.draining) {
        const callersWaiting = () => rs.queue.some((q) => q.awaited) || rs.reentry.length > 0;
        if (rs.readyToContinue() && allHandlersFinished()) {
          await flushFramework(rs); // the last delivery's events belong to this run's listeners
          await continueAsNew<RoomWorkflow>({ room: rs.room, manifest: rs.manifest, carried: rs.carry() });
        }
        if (!callersWaiting()) {
          await condition(() => (rs.readyToContinue() && allHandlersFinished()) || callersWaiting());
          continue;
        }
      }
    }
    const answer = rs.reentry.shift();
    if (answer) {
      await within(answer, () => guarded(rs, 'reentry', () => commitPass(rs, answer.event, answer.cascade, false)));
      release(answer.cascade);
      await flushFramework(rs);
      continue;
    }
    const next = rs.queue.shift();
    if (next) {
      await within(next, () => processCommand(rs, next, settle));
      continue;
    }
    const completes = closedRoomCompletes();
    if (rs.refusesWrites() && completes) {
      // A closed room refuses every write, so it has nothing left to do: finish what is in flight,
      // then complete and leave the worker's cache. Queries still work on the closed history.
      await condition(() => (rs.idle() && allHandlersFinished()) || rs.queue.length > 0 || rs.reentry.length > 0);
      if (rs.idle() && allHandlersFinished()) {
        await flushFramework(rs); // the last delivery's events, before the room completes
        if (rs.idle() && allHandlersFinished()) return;
      }
      continue;
    }
    const wake = () => rs.queue.length > 0 || rs.reentry.length > 0;
    if (workflowInfo().continueAsNewSuggested) {
      // Only an idle room moves on: waiting callers would otherwise see their update fail.
      await condition(() => (rs.idle() && allHandlersFinished()) || wake());
      if (rs.idle() && allHandlersFinished()) {
        await continueAsNew<RoomWorkflow>({ room: rs.room, manifest: rs.manifest, carried: rs.carry() });
      }
      continue;
    }
    const wait = msUntilNextTimer(rs.room, Date.now());
    if (wait === undefined) {
      await condition(() => wake() || workflowInfo().continueAsNewSuggested);
    } else if (!(await condition(wake, wait))) {
      await applyTimers(rs);
    }
  }
}
