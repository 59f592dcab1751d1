/**
 * What both command loops do with the room: serve one command, apply due timers, emit pending
 * framework events, and keep a bug in one step from wedging the room.
 */
import { isCancellation, log } from '@temporalio/workflow';
import { dueTransition } from '../../src/core/timers.js';
import type { CommandResult, QueuedCommand } from '../../src/models/index.js';
import { closeRoom, lifecycleEvent, pauseRoom } from './admin.js';
import { emitFrameworkEvents } from './effects.js';
import { dispatch } from './handlers.js';
import { DEFERRED } from './inbound.js';
import { commit, fireObservers, safely } from './side-effects.js';
import type { RoomState } from './state.js';

export type SettleFn = (id: string, stage: 'committed' | 'delivered', result: CommandResult) => void;

export /** A bug in one step must not wedge or fail the room: log it and go on. */
async function guarded(rs: RoomState, what: string, work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (isCancellation(err)) throw err;
    log.error(`room ${what} failed unexpectedly`, { roomId: rs.room.id, error: err instanceof Error ? err.message : String(err) });
  }
}

export async function started(rs: RoomState, autoCreated: boolean): Promise<void> {
  rs.framework('room_created', { room_id: rs.room.id, auto_created: autoCreated });
  await commit(rs, {});
  await fireObservers(rs, 'on_room_created', lifecycleEvent(rs, 'room_created', `Room ${rs.room.id} created`));
  await flushFramework(rs);
}

export async function processCommand(rs: RoomState, item: QueuedCommand, settle: SettleFn): Promise<void> {
  const { envelope } = item;
  rs.sender = envelope.manifest;
  // Runs recorded before worker-owned hooks took the sender's hooks and listeners with each command.
  if (!rs.workerHooks && envelope.manifest) {
    rs.manifest = envelope.manifest;
    if (envelope.manifest.idempotencyWindow) rs.idempotency.limit = envelope.manifest.idempotencyWindow;
  }
  const cmd = envelope.command;
  const settlers = {
    committed: (r: CommandResult) => settle(envelope.id, 'committed', r),
    delivered: (r: CommandResult) => settle(envelope.id, 'delivered', r),
  };
  let result: CommandResult | typeof DEFERRED;
  try {
    result = await dispatch(rs, cmd, settlers);
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

export async function applyTimers(rs: RoomState): Promise<void> {
  const due = dueTransition(rs.room, Date.now());
  if (!due) return;
  if (due.to === 'closed') await closeRoom(rs, { reason: 'timer', elapsedSeconds: due.elapsedSeconds, threshold: due.threshold });
  else await pauseRoom(rs, due.elapsedSeconds, due.threshold);
  await flushFramework(rs);
}

export async function flushFramework(rs: RoomState): Promise<void> {
  const events = rs.takeFramework();
  if (events.length) await safely(rs, 'emitFrameworkEvents', () => emitFrameworkEvents({ events }));
}
