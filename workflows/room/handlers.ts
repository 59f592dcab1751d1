/**
 * The room's commands as data: each kind names its handler and whether a closed room refuses it.
 * A kit verb is two hops from its handler: `RoomKit.<verb>` → `RoomClient.command(kind)` → this table.
 */
import type { CommandOf, CommandResult, RoomCommand, RoomCommandKind } from '../../src/models/index.js';
import * as admin from './admin.js';
import * as participants from './participants.js';
import { type DEFERRED, handleInbound, handleSend, type Settlers } from './inbound.js';
import type { RoomState } from './state.js';
import { handleBargeIn, handleUtterance } from './voice.js';

type Handler<K extends RoomCommandKind> = (
  rs: RoomState, cmd: CommandOf<K>, settle: Settlers,
) => Promise<CommandResult | typeof DEFERRED>;

interface Entry<K extends RoomCommandKind> {
  run: Handler<K>;
  /**
   * Refused with RoomClosedError once the room is closed. Messages answer a closed room with a
   * `room_closed` refusal of their own; reads, close, archive and delivery reports (observations
   * about the past) are served in any state.
   */
  writes: boolean;
}

export const COMMAND_HANDLERS: { readonly [K in RoomCommandKind]: Entry<K> } = {
  inbound: { run: handleInbound, writes: false },
  send: { run: handleSend, writes: false },
  describe: { run: admin.describe, writes: false },
  updateMetadata: { run: admin.updateMetadata, writes: false },
  setTimers: { run: admin.setTimers, writes: false },
  close: { run: admin.close, writes: false },
  archive: { run: admin.archive, writes: false },
  deliveryStatus: { run: admin.deliveryStatus, writes: false },
  attach: { run: admin.attachCommand, writes: true },
  detach: { run: admin.detachCommand, writes: true },
  mute: { run: admin.mute, writes: true },
  unmute: { run: admin.mute, writes: true },
  setVisibility: { run: admin.setVisibility, writes: true },
  setAccess: { run: admin.setAccess, writes: true },
  addParticipant: { run: participants.add, writes: true },
  removeParticipant: { run: participants.remove, writes: true },
  updateParticipant: { run: participants.update, writes: true },
  ensureParticipant: { run: participants.ensure, writes: true },
  resolveParticipant: { run: participants.resolve, writes: true },
  // An utterance answers a closed room with a `room_closed` refusal, like any message.
  utterance: { run: handleUtterance, writes: false },
  bargeIn: { run: handleBargeIn, writes: true },
};

/**
 * Not `async`: it hands back the handler's own promise, so awaiting it takes exactly the steps that
 * awaiting the handler did before the table existed (the order of commands in a workflow task
 * depends on them, and older histories must replay).
 */
export function dispatch(rs: RoomState, cmd: RoomCommand, settle: Settlers): Promise<CommandResult | typeof DEFERRED> {
  // The one cast: TypeScript cannot correlate `cmd.kind` with the entry it selects.
  const entry = COMMAND_HANDLERS[cmd.kind] as Entry<RoomCommandKind> | undefined;
  if (!entry) {
    return Promise.resolve({ ok: false, error: { type: 'RoomKitError', message: `unknown command ${(cmd as { kind: string }).kind}` } });
  }
  if (entry.writes && rs.refusesWrites()) {
    return Promise.resolve({ ok: false, error: { type: 'RoomClosedError', message: admin.closedMessage(rs) } });
  }
  return entry.run(rs, cmd, settle);
}
