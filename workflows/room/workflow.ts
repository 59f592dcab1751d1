/**
 * One workflow per room (`room:<roomId>`). Handlers only enqueue. The command loop takes one command
 * at a time up to its commit (this is the room lock) and sleeps on a durable timer until the next
 * inactivity deadline; the delivery lane runs committed plans in index order alongside it, so a slow
 * channel never holds the next commit. An idle room continues as new when the history grows large.
 */
import {
  allHandlersFinished, condition, continueAsNew, isCancellation, log, setHandler, workflowInfo,
} from '@temporalio/workflow';
import { dueTransition, msUntilNextTimer } from '../../src/core/timers.js';
import { CommandEnvelope, type CommandResult, type RoomWorkflowInput } from '../../src/models/index.js';
import { closeRoom, handleAdmin, lifecycleEvent, pauseRoom } from './admin.js';
import { commandSignal, commandUpdate, CONTINUING_AS_NEW, readUpdate, stateQuery } from './definitions.js';
import { emitFrameworkEvents } from './effects.js';
import { DEFERRED, handleInbound, handleSend } from './inbound.js';
import { release } from './cascade.js';
import { executeBatch, executePlan, takeBatch } from './lane.js';
import { batchedDelivery, closedRoomCompletes, drainForContinueAsNew } from './patches.js';
import { commitPass } from './pipeline.js';
import { commit, fireObservers, safely } from './side-effects.js';
import { RoomState, type QueuedCommand } from './state.js';

/** History events a room may add after the server suggested continue-as-new before it drains. */
export const DRAIN_AFTER_EVENTS = 500;

export async function roomWorkflow(input: RoomWorkflowInput): Promise<void> {
  const rs = new RoomState(input);
  const waiting: Record<string, 'committed' | 'delivered'> = {};

  setHandler(
    commandUpdate,
    async (envelope) => {
      waiting[envelope.id] = envelope.wait ?? 'delivered';
      rs.queue.push({ envelope, awaited: true });
      await condition(() => rs.outcomes[envelope.id] !== undefined);
      const { result } = rs.outcomes[envelope.id];
      delete rs.outcomes[envelope.id];
      return result;
    },
    {
      // Synchronous zod check: a rejected update writes nothing to history and the room goes on.
      validator: (envelope) => {
        // While the room drains for continue-as-new, new callers are turned away (nothing is
        // written to history) and the client retries them on the next run.
        if (rs.draining) throw new Error(CONTINUING_AS_NEW);
        CommandEnvelope.parse(envelope);
      },
    },
  );
  setHandler(commandSignal, (envelope) => {
    // Signals cannot be refused; an invalid one is counted and dropped, never processed.
    if (!CommandEnvelope.safeParse(envelope).success) {
      rs.rejectedSignals += 1;
      log.warn('room dropped an invalid command signal', { roomId: rs.room.id });
      return;
    }
    rs.queue.push({ envelope, awaited: false });
  });
  setHandler(stateQuery, () => rs.snapshot());
  setHandler(readUpdate, () => rs.snapshot());

  const settle = (id: string, stage: 'committed' | 'delivered', result: CommandResult): void => {
    const wanted = waiting[id];
    if (!wanted || (stage === 'committed' && wanted !== 'committed')) return;
    rs.outcomes[id] = { stage, result };
    delete waiting[id];
  };

  if (!input.carried) await started(rs, input.autoCreated ?? false);
  // The lane never ends by itself; the room ends when the command loop does (a closed room).
  deliveryLane(rs).catch((err: unknown) => {
    // Only a cancellation ends the lane (guarded() swallows the rest); the loop sees it too.
    if (!isCancellation(err)) log.error('room delivery lane stopped', { roomId: rs.room.id, error: String(err) });
  });
  await commandLoop(rs, settle);
}

type SettleFn = (id: string, stage: 'committed' | 'delivered', result: CommandResult) => void;

async function commandLoop(rs: RoomState, settle: SettleFn): Promise<void> {
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
          await continueAsNew<typeof roomWorkflow>({ room: rs.room, manifest: rs.manifest, carried: rs.carry() });
        }
        if (!callersWaiting()) {
          await condition(() => (rs.readyToContinue() && allHandlersFinished()) || callersWaiting());
          continue;
        }
      }
    }
    const answer = rs.reentry.shift();
    if (answer) {
      await guarded(rs, 'reentry', () => commitPass(rs, answer.event, answer.cascade, false));
      release(answer.cascade);
      await flushFramework(rs);
      continue;
    }
    const next = rs.queue.shift();
    if (next) {
      await processCommand(rs, next, settle);
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
        await continueAsNew<typeof roomWorkflow>({ room: rs.room, manifest: rs.manifest, carried: rs.carry() });
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

async function deliveryLane(rs: RoomState): Promise<void> {
  for (;;) {
    await condition(() => rs.lane.length > 0);
    const batching = batchedDelivery();
    const plans = takeBatch(rs, batching);
    rs.laneBusy = true;
    await guarded(rs, 'delivery', () => (plans.length > 1 ? executeBatch(rs, plans) : executePlan(rs, plans[0])));
    rs.laneBusy = false;
    await flushFramework(rs);
  }
}

/** A bug in one step must not wedge or fail the room: log it and go on. */
async function guarded(rs: RoomState, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.error(`room ${what} failed unexpectedly`, { roomId: rs.room.id, error: err instanceof Error ? err.message : String(err) });
  }
}

async function started(rs: RoomState, autoCreated: boolean): Promise<void> {
  rs.framework('room_created', { room_id: rs.room.id, auto_created: autoCreated });
  await commit(rs, {});
  await fireObservers(rs, 'on_room_created', lifecycleEvent(rs, 'room_created', `Room ${rs.room.id} created`));
  await flushFramework(rs);
}

async function processCommand(rs: RoomState, item: QueuedCommand, settle: SettleFn): Promise<void> {
  const { envelope } = item;
  // The kit that sent this command is the freshest description of hooks and listeners.
  rs.manifest = envelope.manifest;
  if (envelope.manifest.idempotencyWindow) rs.idempotency.limit = envelope.manifest.idempotencyWindow;
  const cmd = envelope.command;
  const settlers = {
    committed: (r: CommandResult) => settle(envelope.id, 'committed', r),
    delivered: (r: CommandResult) => settle(envelope.id, 'delivered', r),
  };
  let result: CommandResult | typeof DEFERRED;
  try {
    if (cmd.kind === 'inbound') result = await handleInbound(rs, cmd, settlers);
    else if (cmd.kind === 'send') result = await handleSend(rs, cmd, settlers);
    else result = await handleAdmin(rs, cmd);
  } catch (err) {
    if (isCancellation(err)) throw err;
    // A bug must not wedge the room: report it to the caller and keep serving.
    const message = err instanceof Error ? err.message : String(err);
    log.error('room command failed unexpectedly', { roomId: rs.room.id, kind: cmd.kind, error: message });
    result = { ok: false, error: { type: 'RoomInternalError', message } };
  }
  rs.processed += 1;
  // Write-behind: an answer (a duplicate's original, say) waits until what it reports is durable.
  if (result !== DEFERRED && rs.commitsInFlight > 0) await rs.afterCommits;
  if (result !== DEFERRED) settle(envelope.id, 'delivered', result);
  await flushFramework(rs);
}

async function applyTimers(rs: RoomState): Promise<void> {
  const due = dueTransition(rs.room, Date.now());
  if (!due) return;
  if (due.to === 'closed') await closeRoom(rs, { reason: 'timer', elapsedSeconds: due.elapsedSeconds, threshold: due.threshold });
  else await pauseRoom(rs, due.elapsedSeconds, due.threshold);
  await flushFramework(rs);
}

async function flushFramework(rs: RoomState): Promise<void> {
  const events = rs.takeFramework();
  if (events.length) await safely(rs, 'emitFrameworkEvents', () => emitFrameworkEvents({ events }));
}

